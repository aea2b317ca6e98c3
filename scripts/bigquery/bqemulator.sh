#!/usr/bin/env bash
# bqemulator (PyPI: a BigQuery REST emulator on DuckDB) for the BigQuery sink's tests and for users
# who want a local BigQuery to point the click-stream processor at.
#
#   scripts/bigquery/bqemulator.sh install                 venv scripts/bigquery/.venv with bqemulator and the
#                                                          DuckDB extensions it loads, copied where DuckDB finds
#                                                          them offline (~/.duckdb/extensions/...) (idempotent)
#   scripts/bigquery/bqemulator.sh start [--port P] [--dir D] [--project ID]
#                                                          start the emulator on 127.0.0.1:P (REST; gRPC on a free
#                                                          port), data kept in D (survives a restart), wait until
#                                                          REST answers; prints the endpoint http://127.0.0.1:P
#   scripts/bigquery/bqemulator.sh stop   [--dir D]        SIGTERM the emulator started in D, SIGKILL after 20 s
#   scripts/bigquery/bqemulator.sh status [--dir D]        exit 0 and print the endpoint if it is running
#
# Defaults: --port 9050, --dir scripts/bigquery/.work, --project demo. Needs python3 (3.10+) with venv.
# Environment: BQEMULATOR_VENV (default scripts/bigquery/.venv), BQEMULATOR_START_TIMEOUT_S (default 90).
#
# Offline: the emulator loads DuckDB's spatial (and avro) extensions, which DuckDB downloads on first use.
# `install` takes them from PyPI wheels (duckdb-extension-*) and copies them into
# ~/.duckdb/extensions/v<duckdb version>/<platform>/, where DuckDB looks before downloading.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${BQEMULATOR_VENV:-$HERE/.venv}"
DEFAULT_DIR="$HERE/.work"
START_TIMEOUT_S="${BQEMULATOR_START_TIMEOUT_S:-90}"
BQEMULATOR_VERSION="1.4.0"
DUCKDB_VERSION="1.5.5"
PIP_PACKAGES=("bqemulator==$BQEMULATOR_VERSION" "duckdb==$DUCKDB_VERSION" "duckdb-extension-spatial==$DUCKDB_VERSION" "duckdb-extension-avro==$DUCKDB_VERSION" numpy)
EXTENSIONS=(spatial avro)

DAEMON_SCRIPT=bqemulator.sh DAEMON_WHAT=bqemulator DAEMON_PIDFILE=bqemulator.pid DAEMON_STATUS_FILE=endpoint DAEMON_STOP_TIMEOUT_S=20
DAEMON_EXTRA_OPTIONS=(project)
# shellcheck source=../lib/daemon.sh
source "$HERE/../lib/daemon.sh"

installed() {
  [[ -x "$VENV/bin/bqemulator" ]] && "$VENV/bin/python" - "$BQEMULATOR_VERSION" "$DUCKDB_VERSION" <<'EOF' 2>/dev/null
import sys, importlib.metadata as m
sys.exit(0 if m.version('bqemulator') == sys.argv[1] and m.version('duckdb') == sys.argv[2] else 1)
EOF
}

# Copies each extension from its wheel into DuckDB's extension directory; prints nothing on success.
copy_extensions() {
  "$VENV/bin/python" - "${EXTENSIONS[@]}" <<'EOF'
import duckdb, importlib, os, shutil, sys
version = 'v' + duckdb.__version__
platform = duckdb.sql('PRAGMA platform').fetchone()[0]
target = os.path.join(os.path.expanduser('~'), '.duckdb', 'extensions', version, platform)
os.makedirs(target, exist_ok=True)
for name in sys.argv[1:]:
    package = importlib.import_module(f'duckdb_extension_{name}')
    source = os.path.join(os.path.dirname(package.__file__), 'extensions', version, f'{name}.duckdb_extension')
    if not os.path.isfile(source):
        sys.exit(f'{source} missing: duckdb-extension-{name} does not match duckdb {duckdb.__version__}')
    shutil.copyfile(source, os.path.join(target, f'{name}.duckdb_extension'))
# DuckDB can now load them without a network
con = duckdb.connect()
for name in sys.argv[1:]:
    con.execute(f'LOAD {name}')
EOF
}

cmd_install() {
  command -v python3 >/dev/null || die "python3 not found: install Python 3.10+ (apt-get install -y python3 python3-venv)"
  if ! installed; then
    if [[ ! -x "$VENV/bin/python" ]]; then
      if ! python3 -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null || die "python3 -m venv failed: install python3-venv (apt-get install -y python3-venv)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null 2>&1 \
          || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; }
        python3 -m venv "$VENV"
      fi
    fi
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
  fi
  copy_extensions || die "could not place the DuckDB extensions (see above)"
  say "bqemulator $BQEMULATOR_VERSION (duckdb $DUCKDB_VERSION, extensions ${EXTENSIONS[*]}) ready in $VENV"
}

parse_common() {
  OPT_PROJECT=demo
  daemon_options 9050 "$DEFAULT_DIR" "$@"
  PROJECT="$OPT_PROJECT"
  [[ "$PROJECT" =~ ^[a-z][a-z0-9-]*$ ]] || die "--project must be a project id (lower-case letters, digits, -), got '$PROJECT'"
}

rest_answers() {
  # any HTTP answer from the REST server (a 404 for /) means it is serving
  "$VENV/bin/python" - "$1" <<'EOF' 2>/dev/null
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(f'http://127.0.0.1:{sys.argv[1]}/bigquery/v2/projects/probe/datasets', timeout=2)
except urllib.error.HTTPError:
    pass
EOF
}

cmd_start() {
  parse_common "$@"
  installed || die "bqemulator is not installed in $VENV — run: scripts/bigquery/bqemulator.sh install"
  daemon_check_free
  local started; started="$(now_s)"
  mkdir -p "$DIR/data"
  # its own session (setsid): a test's Ctrl-C does not reach it, `stop` ends it
  setsid nohup "$VENV/bin/bqemulator" start --rest-host 127.0.0.1 --rest-port "$PORT" --grpc-host 127.0.0.1 --grpc-port 0 \
    --project "$PROJECT" --persistent --data-dir "$DIR/data" --log-level warning --log-format json \
    >"$DIR/bqemulator.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$DIR/bqemulator.pid"
  echo "http://127.0.0.1:$PORT" >"$DIR/endpoint"
  local deadline=$(( started + START_TIMEOUT_S ))
  until rest_answers "$PORT"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$DIR/bqemulator.log" >&2 || true; die "bqemulator exited during startup (log: $DIR/bqemulator.log)"; }
    (( $(now_s) < deadline )) || { daemon_stop_pid "$pid"; die "bqemulator did not answer on port $PORT within ${START_TIMEOUT_S}s (log: $DIR/bqemulator.log)"; }
    sleep 0.5
  done
  say "bqemulator ready at http://127.0.0.1:$PORT (project $PROJECT, pid $pid, data in $DIR/data) in $(( $(now_s) - started ))s"
  echo "http://127.0.0.1:$PORT"
}

case "${1:-}" in
  install) shift; [[ $# -eq 0 ]] || die "install takes no options"; cmd_install ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; parse_common "$@"; daemon_stop ;;
  status) shift; parse_common "$@"; daemon_status ;;
  *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [[ "${1:-}" =~ ^(-h|--help|help)?$ ]] ;;
esac
