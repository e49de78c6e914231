#!/usr/bin/env bash
# The throwaway cluster: scripts/db.sh start|stop|restart|status|destroy
# Lives in .pg/ (git-ignored), listens on 127.0.0.1:$PGFLOW_PORT, trusts local
# connections, preloads pg_cron (where the server has it) and pg_stat_statements.
# PGFLOW_PG=16|17|18 runs that version's server (scripts/servers.sh) instead of
# Debian's 15: port 254<major> and data directory .pg/data-<major> unless
# PGFLOW_PORT / PGFLOW_DATA say otherwise. The clusters that start while tests run
# (16-18, faults, pg_tle, Citus) listen below 32768, outside Linux's range of ephemeral
# ports (32768-60999): a client connection of a test running beside them can hold any
# port in that range, and a server started there meanwhile fails with "Address already
# in use".
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR=${PGFLOW_PG:-15}
ROOT="$PWD/.pg"
if [ "$PG_MAJOR" = 15 ]; then
  PORT=${PGFLOW_PORT:-54329}
  BIN=$( (command -v pg_config >/dev/null && pg_config --bindir) || echo "/usr/lib/postgresql/$PG_MAJOR/bin")
else
  PORT=${PGFLOW_PORT:-254$PG_MAJOR}
  BIN=$(scripts/servers.sh bindir "$PG_MAJOR")
  [ -x "$BIN/postgres" ] || { echo "db: PostgreSQL $PG_MAJOR is not installed: make deps" >&2; exit 1; }
fi
mkdir -p "$ROOT"

# PostgreSQL refuses to run as root: as root, the cluster belongs to `postgres`.
if [ "$(id -u)" -eq 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

# The data directory ($PGFLOW_DATA, for a second cluster) sits in .pg/ unless the server's user cannot reach the
# repository (a checkout under a private home), then in /var/tmp, named after it.
datadir() {
  local suffix=""; [ "$PG_MAJOR" = 15 ] || suffix="-$PG_MAJOR"
  if as_pg test -x "$ROOT" 2>/dev/null && { [ "$(id -u)" -ne 0 ] || as_pg test -w "$ROOT" 2>/dev/null || chown postgres: "$ROOT"; } \
     && as_pg test -w "$ROOT" 2>/dev/null; then
    echo "$ROOT/data$suffix"
  else
    echo "/var/tmp/pgflow-cluster-$(printf '%s' "$PWD" | md5sum | cut -c1-10)$suffix"
  fi
}
DATA=${PGFLOW_DATA:-}
[ -n "$DATA" ] || DATA=$(datadir)
LOG="$DATA.log"

running() { as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg mkdir -p "$DATA"
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # pg_cron is a C extension built for Debian's 15 only: preloaded where the server has it
    local preload=pg_stat_statements
    if [ -f "$BIN/../lib/pg_cron.so" ] || [ -f "$BIN/../lib/postgresql/pg_cron.so" ]; then preload="pg_cron,$preload"; fi
    as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<EOF
# pgflow throwaway cluster
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
max_connections = 200
shared_preload_libraries = '$preload'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 32
max_prepared_transactions = 10
log_min_messages = warning
EOF
  fi
  if running; then return 0; fi
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null || { tail -n 30 "$LOG" >&2; exit 1; }
  echo "db: running on 127.0.0.1:$PORT ($DATA)"
}

stop() {
  if running; then as_pg "$BIN/pg_ctl" -D "$DATA" -m "${1:-fast}" -w stop >/dev/null; fi
  echo "db: stopped"
}

case "${1:-start}" in
  start)   start ;;
  stop)    stop "${2:-fast}" ;;
  restart) stop "${2:-fast}"; start ;;
  status)  if running; then echo "db: running on 127.0.0.1:$PORT ($DATA)"; else echo "db: not running"; exit 1; fi ;;
  destroy) stop immediate; rm -rf "$DATA" "$LOG"; echo "db: destroyed" ;;
  datadir) echo "$DATA" ;;
  *) echo "usage: $0 start|stop [fast|immediate]|restart|status|destroy|datadir" >&2; exit 2 ;;
esac
