# Helpers shared by the scripts that run a server in the background for tests, CI and users
# (scripts/kafka/kafka.sh, scripts/bigquery/bqemulator.sh, ...). Source it (do not run it) after
# setting:
#   DAEMON_SCRIPT        the script's name in messages, e.g. kafka.sh
#   DAEMON_WHAT          what it runs, in messages, e.g. Kafka
#   DAEMON_PIDFILE       name of the pid file inside --dir, e.g. kafka.pid
#   DAEMON_STATUS_FILE   name of the file inside --dir whose content `status` prints, e.g. address
# and optionally DAEMON_STOP_TIMEOUT_S (SIGKILL after it; default 30) and DAEMON_EXTRA_OPTIONS
# (names of further `--name VALUE` options, e.g. (project): daemon_options sets OPT_PROJECT).

die() { echo "$DAEMON_SCRIPT: $*" >&2; exit 1; }
say() { echo "$DAEMON_SCRIPT: $*" >&2; }
now_s() { date +%s; }

# A free TCP port on 127.0.0.1.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Whether something listens on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# daemon_options DEFAULT_PORT DEFAULT_DIR "$@": sets PORT and DIR (absolute, created) from
# --port P / --dir D, and OPT_<NAME> for each name in DAEMON_EXTRA_OPTIONS; dies on anything else.
daemon_options() {
  PORT="$1"
  DIR="$2"
  shift 2
  local extra=("${DAEMON_EXTRA_OPTIONS[@]:-}") expected="--port P, --dir D" name value
  for name in "${extra[@]}"; do [[ -z "$name" ]] || expected+=", --$name VALUE"; done
  while [[ $# -gt 0 ]]; do
    name="${1#--}"
    if [[ "$1" == --*=* ]]; then
      value="${name#*=}"
      name="${name%%=*}"
      shift
    else
      [[ $# -ge 2 ]] || die "option '$1' needs a value"
      value="$2"
      shift 2
    fi
    case "$name" in
      port) PORT="$value" ;;
      dir) DIR="$value" ;;
      *)
        [[ " ${extra[*]} " == *" $name "* ]] || die "unknown option '--$name' (expected $expected)"
        printf -v "OPT_${name^^}" '%s' "$value"
        ;;
    esac
  done
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$PORT'"
  mkdir -p "$DIR"
  DIR="$(cd "$DIR" && pwd)"
}

# The pid of the server started in $DIR, if it still runs.
daemon_running_pid() {
  local pidfile="$DIR/$DAEMON_PIDFILE" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# SIGTERM, then SIGKILL after DAEMON_STOP_TIMEOUT_S.
daemon_stop_pid() {
  local pid="$1" timeout="${DAEMON_STOP_TIMEOUT_S:-30}"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $(( timeout * 2 ))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  say "pid $pid did not stop in ${timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# Dies when a server from $DIR runs or $PORT is taken.
daemon_check_free() {
  local pid
  if pid="$(daemon_running_pid)"; then
    die "a $DAEMON_WHAT from $DIR is already running (pid $pid); stop it first: $0 stop --dir $DIR"
  fi
  port_open "$PORT" && die "port $PORT on 127.0.0.1 is already in use — pick another with --port"
  return 0
}

# The `stop` command (after daemon_options).
daemon_stop() {
  local pid
  if pid="$(daemon_running_pid)"; then
    daemon_stop_pid "$pid"
    say "stopped $DAEMON_WHAT (pid $pid) from $DIR"
  else
    say "no running $DAEMON_WHAT in $DIR"
  fi
  rm -f "$DIR/$DAEMON_PIDFILE"
}

# The `status` command (after daemon_options): prints the status file and the pid, or fails.
daemon_status() {
  local pid
  if pid="$(daemon_running_pid)"; then
    echo "$(cat "$DIR/$DAEMON_STATUS_FILE") (pid $pid)"
  else
    say "no running $DAEMON_WHAT in $DIR"
    return 1
  fi
}
