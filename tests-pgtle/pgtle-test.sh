#!/usr/bin/env bash
# pgflow installed and upgraded through pg_tle, as on a managed server, as TAP-like
# lines ("ok N - ..." / "not ok N - ..."; "ok 1 - ... # SKIP why" where pg_tle is missing):
#  - a throwaway PostgreSQL 15 server whose extension directory has no pgflow and no
#    pgmq files (a tree of links to the installed server, the bin directory copied, so
#    that the server finds its share directory beside it), pg_tle preloaded, on a port
#    of its own (PGFLOW_PGTLE_PORT, default 25450), removed at the end;
#  - the artifact (make pgtle) refused, with what is missing, before pg_tle is enabled
#    and for a role without pgtle_admin;
#  - a non-superuser database owner with pgtle_admin applies it twice (the second
#    time registers nothing), creates the extension with cascade (pgmq comes from
#    the artifact too), and a two-step flow completes;
#  - from the first release through the registered update paths, with a run in
#    flight that finishes after the update;
#  - pg_dump, and pg_restore by the owner, of such a database, the run in flight
#    finishing after it;
#  - removal: pgflow.uninstall(), drop extension, pgtle.uninstall_extension;
#  - on a second server that has pgmq's files (as Supabase does; port + 2), the
#    artifact registers pgflow only and cascade uses pgmq's files;
#  - the pgTAP suite (tests-helpers/pgtap.sh) on a database installed that way
#    (PGFLOW_PGTLE_PGTAP=0: skipped, saying so).
# pg_tle is not packaged for Debian: where it is not installed for the server
# (pg_tle.control in its extension directory, pg_tle.so in its library directory)
# the whole leg is one skipped check.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! why=$(tests-pgtle/server.sh available); then
  echo "ok 1 - install and upgrade through pg_tle # SKIP $why"
  exit 0
fi

PORT=${PGFLOW_PGTLE_PORT:-25450}
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
unset PGDATABASE PGPASSWORD

n=0
check() { # description, command...
  local desc=$1; shift
  n=$((n + 1))
  if out=$("$@" 2>&1); then echo "ok $n - $desc"; else echo "not ok $n - $desc"; echo "$out" | sed 's/^/#   /' | head -40; fi
}
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q() { psql -X -At -v ON_ERROR_STOP=1 "$@"; }

# --- the simulated managed server (tests-pgtle/server.sh) ----------------------------------
root=$(mktemp -d /tmp/pgflow-pgtle.XXXXXX)
chmod 755 "$root"   # the server runs as postgres where this runs as root
cleanup() {
  if [ -n "${PGFLOW_PGTLE_KEEP_SERVER:-}" ]; then echo "# kept: $root, port $PORT"; return; fi
  tests-pgtle/server.sh stop "$root/server"; [ ! -d "$root/with-pgmq" ] || tests-pgtle/server.sh stop "$root/with-pgmq"; rm -rf "$root"
}
trap cleanup EXIT
check "a PostgreSQL server with pg_tle preloaded starts on port $PORT" tests-pgtle/server.sh start "$root/server" "$PORT"
psql -X -d postgres -c "select 1" >/dev/null 2>&1 || { echo "# $n checks: no server, nothing more to check"; exit 1; }
check "its extension directory has pg_tle but neither pgflow nor pgmq" \
  bash -c "[ \"\$(psql -X -At -d postgres -c \"select string_agg(name, ',' order by name) from pg_available_extensions
                                             where name in ('pgflow', 'pgmq', 'pg_tle')\")\" = pg_tle ]"

# --- the artifact ----------------------------------------------------------------------------
check "make pgtle builds the artifact" make --no-print-directory -s pgtle
version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" pgflow.control)
artifact=pgflow--$version.pgtle.sql
first=$(ls extension/pgflow--*.sql | grep -v -- '--.*--' | sed 's/.*pgflow--\(.*\)\.sql$/\1/' | sort -V | head -n1)

owner=pgflow_tle_owner
# apply DB: the owner applies the artifact as psql would; prints what it registered
apply() { psql -X -q -v ON_ERROR_STOP=1 -U "$owner" -d "$1" -f "$artifact" 2>&1; }
refused() { # DB expected-message
  local out; if out=$(apply "$1"); then echo "applied, expected: $2"; return 1; fi
  echo "$out"; echo "$out" | grep -qF "$2" && echo "$out" | grep -q HINT
}
# new_db NAME: a database the owner owns, with pg_tle enabled by the superuser (as rds_superuser would)
new_db() { psql_q -d postgres -c "create database $1 owner $owner" && psql_q -d "$1" -c "create extension pg_tle"; }

psql_q -d postgres -c "create role $owner login" -c "create database pgflow_tle_app owner $owner" >/dev/null
check "the artifact is refused before pg_tle is enabled in the database, saying so" \
  refused pgflow_tle_app 'pg_tle is not enabled in database "pgflow_tle_app"'
psql_q -d pgflow_tle_app -c "create extension pg_tle" >/dev/null
check "the artifact is refused for a role without pgtle_admin, saying so" \
  refused pgflow_tle_app "role \"$owner\" lacks pgtle_admin"
psql_q -d postgres -c "grant pgtle_admin to $owner" >/dev/null
check "$owner is no superuser" bash -c "[ \"\$(psql -X -At -d postgres -c \"select rolsuper from pg_roles where rolname = '$owner'\")\" = f ]"

start=$(date +%s%N)
first_out=$(apply pgflow_tle_app); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "the owner applies the artifact ($(wc -c < "$artifact") bytes, ${ms} ms)" bash -c "exit $rc"
[ $rc -eq 0 ] || echo "$first_out" | sed 's/^/#   /' | head -20
check "it registered pgmq, pgflow $first and $version, the update paths and the default version" \
  bash -c "echo \"\$1\" | grep -q 'registered pgmq' && echo \"\$1\" | grep -q 'registered pgflow $first\$' &&
           echo \"\$1\" | grep -q 'registered pgflow $version\$' && echo \"\$1\" | grep -q 'as the default version'" _ "$first_out"
check "applied again, it succeeds and registers nothing" \
  bash -c "out=\$(psql -X -q -v ON_ERROR_STOP=1 -U $owner -d pgflow_tle_app -f $artifact 2>&1) || { echo \"\$out\"; exit 1; }
           ! echo \"\$out\" | grep registered"
check "pg_tle offers pgflow $version as the default" \
  bash -c "[ \"\$(psql -X -At -d pgflow_tle_app -c \"select default_version from pgtle.available_extensions() where name = 'pgflow'\")\" = $version ]"
check "the owner runs create extension pgflow cascade" \
  psql_q -U "$owner" -d pgflow_tle_app -c "create extension pgflow cascade"
check "pgflow $version and pgmq are installed, owned by $owner" \
  bash -c "[ \"\$(psql -X -At -d pgflow_tle_app -c \"select string_agg(extname || ' ' || extversion || ' ' || extowner::regrole, ',' order by extname)
                                                   from pg_extension where extname in ('pgflow', 'pgmq')\")\" = 'pgflow $version $owner,pgmq $(q -d pgflow_tle_app -c "select extversion from pg_extension where extname = 'pgmq'") $owner' ]"

worker=00000000-0000-4000-8000-00000000e001
# one round of a worker on flow :flow: read, start, complete
work_round="select count(*) from (select pgflow.complete_task(t.run_id, t.step_slug, t.task_index, jsonb_build_object('step', t.step_slug))
  from pgflow.start_tasks(:'flow', array(select msg_id from pgmq.read(:'flow', 30, 10)), '$worker') as t) as s;"
two_steps() { # DB FLOW: a flow of two steps, a run of it completed by the owner
  psql_q -U "$owner" -d "$1" -v flow="$2" -At >/dev/null <<SQL || return 1
select pgflow.create_flow(:'flow');
select pgflow.add_step(:'flow', 'fetch');
select pgflow.add_step(:'flow', 'save', array['fetch']);
select pgflow.register_worker('$worker', :'flow', 'pgtle-test');
select run_id from pgflow.start_flow(:'flow', '{"n": 1}');
$work_round
$work_round
SQL
  local got; got=$(q -d "$1" -c "select status || ' ' || output::text from pgflow.runs where flow_slug = '$2'")
  echo "$got"; [ "$got" = 'completed {"save": {"step": "save"}}' ]
}
check "a two-step flow completes" two_steps pgflow_tle_app two_steps

# --- from the first release, through the registered update paths, with a run in flight ----------
upgrade_db=pgflow_tle_upgrade
new_db $upgrade_db >/dev/null && apply $upgrade_db >/dev/null
check "the owner creates pgflow $first (the first release) through pg_tle" \
  psql_q -U "$owner" -d $upgrade_db -c "create extension pgflow version '$first' cascade"
check "a run of flow in_flight is in flight on $first" \
  psql_q -U "$owner" -d $upgrade_db -v flow=in_flight -At <<SQL
select pgflow.create_flow(:'flow');
select pgflow.add_step(:'flow', 'fetch');
select pgflow.add_step(:'flow', 'save', array['fetch']);
select pgflow.register_worker('$worker', :'flow', 'pgtle-test');
select run_id from pgflow.start_flow(:'flow', '{"n": 1}');
$work_round
SQL
# The default version where the update paths reach it, else the newest version they reach
# (the default is not released yet: its update script comes with its release).
target=$(q -d $upgrade_db -c "select target from pgtle.extension_update_paths('pgflow')
                               where source = '$first' and path is not null
                               order by target = '$version' desc, string_to_array(target, '.')::int[] desc limit 1")
why=""; [ "$target" = "$version" ] || why=" (the newest the registered paths reach: $version has no update script before its release)"
check "the owner updates pgflow $first to ${target:-?}$why with the run in flight" \
  psql_q -U "$owner" -d $upgrade_db -c "alter extension pgflow update to '$target'"
check "pgflow is at $target" \
  bash -c "[ \"\$(psql -X -At -d $upgrade_db -c \"select extversion from pg_extension where extname = 'pgflow'\")\" = '$target' ]"
finish() { # DB FLOW: the worker completes what is left; the runs all complete, no invariant broken
  psql_q -U "$owner" -d "$1" -v flow="$2" -At >/dev/null <<SQL || return 1
$work_round
$work_round
SQL
  local got; got=$(q -d "$1" -c "select string_agg(distinct status, ',') from pgflow.runs where flow_slug = '$2'")
  echo "runs: $got"; [ "$got" = completed ] || return 1
  got=$(q -d "$1" -c "select * from pgflow.check_invariants()"); [ -z "$got" ] || { echo "$got"; return 1; }
}
check "the run in flight completes after the update, check_invariants() finds nothing" finish $upgrade_db in_flight

# --- pg_dump and pg_restore ----------------------------------------------------------------------
psql_q -U "$owner" -d pgflow_tle_app -v flow=two_steps -At >/dev/null <<SQL
select run_id from pgflow.start_flow(:'flow', '{"n": 2}');
$work_round
SQL
check "pg_dump -Fc of the database installed through pg_tle, a run in flight" \
  pg_dump -Fc -f "$root/app.dump" -d pgflow_tle_app
# As on a managed server: the superuser enables pg_tle in the new database, the owner
# restores everything else (the pgtle schema and pg_tle's comment are the superuser's).
new_db pgflow_tle_restored >/dev/null
pg_restore -l "$root/app.dump" | grep -vE ' SCHEMA - pgtle | COMMENT - EXTENSION pg_tle ' > "$root/app.list"
check "the owner restores it (pg_restore) into a new database with pg_tle enabled, exit 0" \
  pg_restore -U "$owner" -L "$root/app.list" -d pgflow_tle_restored "$root/app.dump"
check "the restored database has pgflow $version through pg_tle and the flow's rows" \
  bash -c "[ \"\$(psql -X -At -d pgflow_tle_restored -c \"select (select extversion from pg_extension where extname = 'pgflow')
             || ' ' || (select count(*) from pgflow.runs where flow_slug = 'two_steps')
             || ' ' || exists (select from pgtle.available_extensions() where name = 'pgflow')\")\" = '$version 2 true' ]"
check "the run in flight completes after the restore, check_invariants() finds nothing" finish pgflow_tle_restored two_steps
# --- removal ----------------------------------------------------------------------------------------
check "the owner removes pgflow, pgmq and their registrations" \
  psql_q -U "$owner" -d $upgrade_db -c "select pgflow.uninstall()" -c "drop extension pgflow" -c "drop schema pgflow" \
    -c "select pgtle.uninstall_extension('pgflow')" -c "drop extension pgmq" -c "select pgtle.uninstall_extension('pgmq')"
check "nothing of them is left registered" \
  bash -c "[ \"\$(psql -X -At -d $upgrade_db -c \"select count(*) from pgtle.available_extensions()\")\" = 0 ]"

# --- where pgmq's files are on the server (as on Supabase) ----------------------------------------
supa() { # a second server, pgmq's files there: the artifact registers pgflow only, cascade takes pgmq's files
  local port=$((PORT + 2))
  tests-pgtle/server.sh start "$root/with-pgmq" "$port" with-pgmq || return 1
  PGPORT=$port psql_q -d postgres -c "create role $owner login" -c "create database app owner $owner" || return 1
  PGPORT=$port psql_q -d app -c "create extension pg_tle" -c "grant pgtle_admin to $owner" || return 1
  local out; out=$(PGPORT=$port apply app) || { echo "$out"; return 1; }
  echo "$out" | grep -q 'registered pgmq' && { echo "registered pgmq although its files are there"; return 1; }
  PGPORT=$port psql_q -U "$owner" -d app -c "create extension pgflow cascade" || return 1
  out=$(PGPORT=$port q -d app -c "select string_agg(name, ',' order by name) from pgtle.available_extensions()")
  tests-pgtle/server.sh stop "$root/with-pgmq"
  [ "$out" = pgflow ] || { echo "registered: $out"; return 1; }
}
check "where pgmq's files are on the server, the artifact registers pgflow only and cascade uses pgmq's files" supa

# --- the pgTAP suite on a pg_tle install -------------------------------------------------------
# Last: it registers pgflow in template1, so that the tests that make databases of their
# own (and create pgflow there) find it registered, as they find the files elsewhere. The
# owner registers; the superuser creates the extension, as make test's database has it:
# the suite's tests make schemas and roles as the superuser that pgflow's definer
# functions, running as the extension's owner, must reach.
pgtap_suite() {
  psql_q -d template1 -c "create extension pg_tle" || return 1
  apply template1 >/dev/null || return 1
  psql_q -d postgres -c "create database pgflow_tle_pgtap owner $owner" || return 1
  psql_q -d pgflow_tle_pgtap -c "create extension pgflow cascade" || return 1
  tests-helpers/pgtap.sh prepare pgflow_tle_pgtap || return 1
  timeout "${PGFLOW_PGTLE_PGTAP_TIMEOUT:-1200}" tests-helpers/pgtap.sh run pgflow_tle_pgtap > "$root/pgtap.out" 2>&1
  local rc=$?; grep -vE '^skip |^\[' "$root/pgtap.out" | tail -n 80; return $rc
}
n=$((n + 1))
if [ "${PGFLOW_PGTLE_PGTAP:-1}" = 0 ]; then
  echo "ok $n - the pgTAP suite on a database installed through pg_tle # SKIP PGFLOW_PGTLE_PGTAP=0"
else
  pgtap_suite > "$root/pgtap.check" 2>&1; rc=$?
  line=$(tail -n1 "$root/pgtap.out" 2>/dev/null)
  if [ $rc -eq 0 ]; then echo "ok $n - the pgTAP suite on a database installed through pg_tle (${line:-no summary})"
  else echo "not ok $n - the pgTAP suite on a database installed through pg_tle (${line:-no summary})"; sed 's/^/#   /' "$root/pgtap.check" | head -80; fi
fi
echo "# $n checks"
