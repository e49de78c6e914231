#!/usr/bin/env bash
# pgflow on Citus (docs/scaling.md), as TAP-like lines ("ok N - ..." / "not ok N - ...";
# "ok N - ... # SKIP why" where Citus is missing or a part is not run):
#  - a Citus coordinator and two workers of the installed PostgreSQL (pg_config's), on
#    ports of their own (PGFLOW_CITUS_PORT, default 25460, and the next two), data in a
#    new directory under /tmp, shared_preload_libraries = 'citus', removed at the end
#    (PGFLOW_CITUS_KEEP=1 leaves them running and says where);
#  - the workers added (the coordinator too, without shards), pgflow created on the
#    coordinator (Citus creates it, and pgmq, on the workers);
#  - pgflow.distribute(): the placement of every table, a second call changing nothing,
#    and the pgTAP files of tests-citus/pgtap/ on the distributed database;
#  - four concurrent SQL workers (tests-citus/concurrency.sh), and the TypeScript worker
#    running client-ts/examples/demo.ts's flow on the coordinator;
#  - the files of tests-pgtap/ that pass on Citus (tests-citus/suite-on-citus.txt), or
#    the whole pgTAP suite (PGFLOW_CITUS_SUITE=1; some files cannot apply on Citus,
#    see docs/scaling.md).
# Citus is not packaged for Debian: where it is not installed for the server
# (citus.control in its extension directory, citus.so in its library directory)
# the whole leg is one skipped check.
set -uo pipefail
cd "$(dirname "$0")/.."

PG_CONFIG=${PG_CONFIG:-$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)}
sharedir=$("$PG_CONFIG" --sharedir) libdir=$("$PG_CONFIG" --pkglibdir) bindir=$("$PG_CONFIG" --bindir)
if [ ! -f "$sharedir/extension/citus.control" ] || [ ! -f "$libdir/citus.so" ]; then
  echo "ok 1 - pgflow on Citus # SKIP Citus is not installed for PostgreSQL $("$PG_CONFIG" --version | awk '{print $2}') (no citus.control in $sharedir/extension)"
  exit 0
fi

BASE=${PGFLOW_CITUS_PORT:-25460}
PORTS="$BASE $((BASE + 1)) $((BASE + 2))"
DB=pgflow_citus
export PGHOST=127.0.0.1 PGUSER=postgres PGPORT=$BASE PGDATABASE=$DB
unset PGPASSWORD
# PostgreSQL refuses to run as root: as root, the servers belong to `postgres`.
if [ "$(id -u)" -eq 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

n=0
check() { # description, command...
  local desc=$1; shift
  n=$((n + 1))
  if out=$("$@" 2>&1); then echo "ok $n - $desc"; else echo "not ok $n - $desc"; echo "$out" | sed 's/^/#   /' | head -40; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
q() { psql -X -At -v ON_ERROR_STOP=1 "$@"; }
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

for p in $PORTS; do
  if psql -X -p "$p" -d postgres -c 'select 1' >/dev/null 2>&1; then
    echo "not ok 1 - a server already listens on port $p (PGFLOW_CITUS_PORT picks others)"; exit 1
  fi
done

root=$(mktemp -d /tmp/pgflow-citus.XXXXXX)
chmod 755 "$root"
[ "$(id -u)" -ne 0 ] || chown postgres: "$root"
cleanup() {
  if [ -n "${PGFLOW_CITUS_KEEP:-}" ]; then echo "# kept: $root, coordinator on port $BASE, database $DB"; return; fi
  for p in $PORTS; do [ -d "$root/$p" ] && as_pg "$bindir/pg_ctl" -D "$root/$p" -m immediate stop >/dev/null 2>&1; done
  rm -rf "$root"
}
trap cleanup EXIT

start_node() { # port
  as_pg "$bindir/initdb" -D "$root/$1" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || return 1
  as_pg tee -a "$root/$1/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = ''
shared_preload_libraries = 'citus'
max_connections = 200
fsync = off
synchronous_commit = off
EOF
  as_pg "$bindir/pg_ctl" -D "$root/$1" -l "$root/$1.log" -w start >/dev/null || { cat "$root/$1.log"; return 1; }
  psql_q -p "$1" -d postgres -c "create database $DB" -c '\c '"$DB" -c 'create extension citus'
}
for p in $PORTS; do check "a node with Citus on port $p" start_node "$p"; done
q -c 'select 1' >/dev/null 2>&1 || { echo "# $n checks: no coordinator, nothing more to check"; exit 1; }

check "the coordinator knows itself and adds the two workers" \
  psql_q -c "select citus_set_coordinator_host('127.0.0.1', $BASE)" \
         -c "select citus_add_node('127.0.0.1', $((BASE + 1)))" -c "select citus_add_node('127.0.0.1', $((BASE + 2)))"
check "pgflow created on the coordinator (pgmq with it)" psql_q -c 'create extension pgflow cascade'
check "Citus made pgflow on both workers" \
  bash -c "for p in $((BASE + 1)) $((BASE + 2)); do
             [ \"\$(psql -X -At -p \$p -d $DB -c \"select extversion from pg_extension where extname = 'pgflow'\")\" = \
               \"\$(psql -X -At -p $BASE -d $DB -c \"select extversion from pg_extension where extname = 'pgflow'\")\" ] || exit 1
           done"

check "pgflow.distribute() places every table" \
  bash -c "out=\$(psql -X -At -v ON_ERROR_STOP=1 -c 'select table_name, placement, changed from pgflow.distribute() order by 1::text' 2>&1) || { echo \"\$out\"; exit 1; }
           echo \"\$out\"
           [ \"\$(echo \"\$out\" | grep -c '|t$')\" = 9 ]"
check "a second call changes nothing and says so" \
  bash -c "out=\$(psql -X -At -v ON_ERROR_STOP=1 -c 'select count(*) filter (where changed) from pgflow.distribute()' 2>&1)
           echo \"\$out\"; echo \"\$out\" | grep -q 'distributed already: nothing changed' && echo \"\$out\" | grep -qx 0"

check "refused on a worker (SQLSTATE 55000)" \
  bash -c "out=\$(psql -X -At -p $((BASE + 1)) -v VERBOSITY=verbose -c 'select * from pgflow.distribute()' 2>&1)
           echo \"\$out\"; echo \"\$out\" | grep -q 'ERROR:  55000: database \"$DB\" is not on a Citus coordinator'"

# The happy path, in pgTAP: tests-citus/pgtap/ on the distributed database.
check "pgTAP and the suite's helpers on the coordinator" tests-helpers/pgtap.sh prepare "$DB"
for f in tests-citus/pgtap/*.sql; do
  [ -f "$f" ] || continue
  check "pgTAP ${f#tests-citus/}" pg_prove --ext .sql "$f"
done

# Four SQL workers at once: a map, a condition, a retry and cancellation; no
# error, no distributed deadlock in the nodes' logs, check_invariants() empty.
# The last lines of its output (runs and wall time) follow the check.
n=$((n + 1))
if out=$(tests-citus/concurrency.sh $(for p in $PORTS; do echo "$root/$p.log"; done) 2>&1); then
  echo "ok $n - four concurrent SQL workers on the distributed database"; echo "$out" | sed 's/^/# /' | tail -3
else
  echo "not ok $n - four concurrent SQL workers on the distributed database"; echo "$out" | sed 's/^/#   /' | head -25
fi

# The TypeScript worker on the coordinator: the demo's diamond flow (a map
# among its five steps) registered, run and watched through LISTEN, as
# `make demo` does on a single server; then check_invariants() empty.
ts_worker() {
  [ -f client-ts/dist/index.js ] || (cd client-ts && npm run -s build) >/dev/null || return 1
  local out
  out=$(cd client-ts && PGHOST=127.0.0.1 PGPORT=$BASE PGUSER=postgres PGFLOW_DEMO_DB=$DB DEMO_N=5 \
        timeout 120 node --import pgflow-ts/register examples/demo.ts 2>&1) || { echo "$out"; return 1; }
  echo "$out" | grep -q '^completed: 5 steps, 9 tasks' || { echo "$out"; return 1; }
  [ "$(q -c 'select count(*) from pgflow.check_invariants()')" = 0 ] || { q -c 'select * from pgflow.check_invariants()'; return 1; }
}
check "the TypeScript worker runs a flow with a map end to end on the coordinator (client-ts/examples/demo.ts)" ts_worker

if [ "${PGFLOW_CITUS_SUITE:-0}" = 1 ]; then
  # Every file of tests-pgtap/, one check each.
  while IFS= read -r f; do
    check "tests-pgtap on Citus: ${f#tests-pgtap/}" pg_prove --ext .sql "$f"
  done < <(find tests-pgtap -name '*.sql' | LC_ALL=C sort)
else
  # The files of tests-pgtap/ that pass on Citus now (tests-citus/suite-on-citus.txt,
  # one path a line, # for comments); PGFLOW_CITUS_SUITE=1 runs them all.
  while IFS= read -r f; do
    check "tests-pgtap on Citus: ${f#tests-pgtap/}" pg_prove --ext .sql "$f"
  done < <(grep -v '^\s*\(#\|$\)' tests-citus/suite-on-citus.txt)
  skip "the rest of the pgTAP suite (tests-pgtap/) on the distributed database" \
       "the files not listed fail on Citus for reasons docs/scaling.md lists, or cannot apply there (tests-citus/suite-on-citus.txt); PGFLOW_CITUS_SUITE=1 runs it"
fi
echo "# $n checks"
