#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's binaries, for the PostgreSQL sink's tests, CI and
# developers without Docker. Runs as the current user (initdb refuses root: as root it runs as the
# `postgres` user through runuser). Listens on 127.0.0.1 only; local connections are trusted.
#
#   scripts/postgres/postgres.sh install                        apt-get install postgresql (as root), unless its binaries exist
#   scripts/postgres/postgres.sh start [--port P] [--dir D]      initdb in D/data on first use (role and database `sluice`),
#                                                               start on 127.0.0.1:P, wait until it accepts connections;
#                                                               prints the URL (postgresql://sluice@127.0.0.1:P/sluice).
#                                                               A later start on the same D keeps the data (and the port).
#   scripts/postgres/postgres.sh stop [--dir D] [--mode fast|immediate]   stop the server of D (fast: sessions are ended)
#   scripts/postgres/postgres.sh status [--dir D]               exit 0 and print the URL if the server of D runs
#   scripts/postgres/postgres.sh bin                            print the directory of the binaries used (exit 1 if none)
#   scripts/postgres/postgres.sh psql [--dir D] [PSQL ARGS...]  psql connected to the server of D
#
# Defaults: --port 5433, --dir scripts/postgres/.work. Binaries: $PG_BIN, else the newest
# /usr/lib/postgresql/<version>/bin (Debian's `postgresql` package), else initdb on PATH.
# Then: export DATABASE_URL=$(scripts/postgres/postgres.sh start --port 5433)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEFAULT_DIR="$HERE/.work"
START_TIMEOUT_S="${PG_START_TIMEOUT_S:-60}"

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" ]] || die "PG_BIN=$PG_BIN has no initdb"
    echo "$PG_BIN"
    return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  return 1
}

need_bin() {
  BIN="$(find_bin)" || die "no PostgreSQL server binaries found (initdb, pg_ctl). Install Debian's package: sudo apt-get install -y postgresql (or scripts/postgres/postgres.sh install as root), or set PG_BIN to their directory"
}

# Runs a command as the user that owns the server: the current one, or `postgres` when root.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

parse_common() {
  PORT=""
  DIR="$DEFAULT_DIR"
  MODE=fast
  REST=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) PORT="$2"; shift 2 ;;
      --port=*) PORT="${1#*=}"; shift ;;
      --dir) DIR="$2"; shift 2 ;;
      --dir=*) DIR="${1#*=}"; shift ;;
      --mode) MODE="$2"; shift 2 ;;
      --mode=*) MODE="${1#*=}"; shift ;;
      --) shift; REST=("$@"); break ;;
      *) if [[ "$CMD" == psql ]]; then REST+=("$1"); shift; else die "unknown option '$1' (expected --port P, --dir D or --mode fast|immediate)"; fi ;;
    esac
  done
  [[ -z "$PORT" || "$PORT" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$PORT'"
  [[ "$MODE" == fast || "$MODE" == immediate ]] || die "--mode must be fast or immediate, got '$MODE'"
  mkdir -p "$DIR"
  DIR="$(cd "$DIR" && pwd)"
  DATA="$DIR/data"
}

url() { echo "postgresql://sluice@127.0.0.1:$1/sluice"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

cmd_install() {
  if find_bin >/dev/null; then
    echo "postgres.sh: PostgreSQL binaries already in $(find_bin)"
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "installing needs root: sudo apt-get install -y postgresql"
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  find_bin >/dev/null || die "apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql"
  echo "postgres.sh: installed PostgreSQL in $(find_bin)"
}

cmd_start() {
  need_bin
  if running; then
    die "a server from $DIR is already running ($(url "$(cat "$DIR/port")")); stop it first: scripts/postgres/postgres.sh stop --dir $DIR"
  fi
  if [[ -z "$PORT" ]]; then PORT="$(cat "$DIR/port" 2>/dev/null || echo 5433)"; fi
  port_open "$PORT" && die "port $PORT on 127.0.0.1 is already in use — pick another with --port"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (Debian's postgresql package creates it)"
    chown -R postgres: "$DIR"
    runuser -u postgres -- test -w "$DIR" || die "user postgres cannot reach $DIR (a parent directory is private); choose a --dir under /tmp"
  fi
  local fresh=0
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    rm -rf "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U sluice --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; die "initdb in $DATA failed"; }
    fresh=1
  fi
  echo "$PORT" >"$DIR/port"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$DIR/port"
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t "$START_TIMEOUT_S" \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR" start >"$DIR/pg_ctl.log" 2>&1 \
    || { tail -n 30 "$DIR/postgres.log" >&2 || true; die "PostgreSQL did not start on port $PORT (log: $DIR/postgres.log)"; }
  if [[ "$fresh" == 1 ]]; then
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U sluice sluice || die "creating database sluice failed"
  fi
  echo "postgres.sh: PostgreSQL ready at 127.0.0.1:$PORT (data $DATA)" >&2
  url "$PORT"
}

cmd_stop() {
  need_bin
  if running; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m "$MODE" -w stop >/dev/null
    echo "postgres.sh: stopped PostgreSQL of $DIR" >&2
  else
    echo "postgres.sh: no running PostgreSQL in $DIR" >&2
  fi
}

cmd_status() {
  need_bin
  if running; then
    url "$(cat "$DIR/port")"
  else
    echo "postgres.sh: no running PostgreSQL in $DIR" >&2
    return 1
  fi
}

cmd_psql() {
  need_bin
  running || die "no running PostgreSQL in $DIR; start it: scripts/postgres/postgres.sh start --dir $DIR"
  exec "$BIN/psql" "$(url "$(cat "$DIR/port")")" "${REST[@]}"
}

main() {
  CMD="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$CMD" in
    install) cmd_install ;;
    start) parse_common "$@"; cmd_start ;;
    stop) parse_common "$@"; cmd_stop ;;
    status) parse_common "$@"; cmd_status ;;
    psql) parse_common "$@"; cmd_psql ;;
    bin) find_bin || die "no PostgreSQL server binaries found; sudo apt-get install -y postgresql" ;;
    *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [[ -z "$CMD" || "$CMD" == help || "$CMD" == --help ]] || exit 1 ;;
  esac
}

main "$@"
