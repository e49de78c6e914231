#!/usr/bin/env bash
# Backup and restore with runs in flight, as TAP-like lines ("ok N - ..." / "not ok N - ..."):
#  - a database with pgflow and runs in flight (tasks queued and started, a run
#    paused, one cancelled) is
#    dumped (pg_dump -Fc, pg_dump -Fd -j 4, plain SQL) and restored into new
#    databases (pg_restore -j 4, psql): the restore exits 0, and every pgflow
#    configuration table, the flow's pgmq queue and its archive hold the same
#    rows as the source;
#  - on each restored database the runs in flight finish (workers read the
#    messages, start_tasks, complete_task), no message is treated as a stray,
#    and check_invariants() finds nothing.
# pgflow's tables are extension configuration tables: pg_restore -j loads their
# rows concurrently, in no particular order, each table in its own transaction.
set -uo pipefail
cd "$(dirname "$0")/.."
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}

n=0
check() { # description, command...
  local desc=$1; shift
  n=$((n + 1))
  if out=$("$@" 2>&1); then echo "ok $n - $desc"; else echo "not ok $n - $desc"; echo "$out" | sed 's/^/#   /' | head -40; fi
}
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
dbs=()
tmp=$(mktemp -d)
cleanup() {
  for d in "${dbs[@]}"; do psql_q -d postgres -c "drop database if exists $d with (force)" >/dev/null 2>&1; done
  rm -rf "$tmp"
}
trap cleanup EXIT
# new_db NAME: an empty database NAME, dropped on exit. Not called as $(new_db ..):
# a command substitution's subshell would register it in its own copy of dbs.
new_db() { dbs+=("$1"); psql_q -d postgres -c "drop database if exists $1" -c "create database $1" >/dev/null; }

flow=dump_restore
worker=00000000-0000-4000-8000-0000000d0001
paused=00000000-0000-4000-8000-0000000d00aa
cancelled=00000000-0000-4000-8000-0000000d00bb
# what the test worker reports for a task: fetch feeds the map step items
output="case t.step_slug when 'fetch' then '[1, 2, 3]'::jsonb else jsonb_build_object('step', t.step_slug) end"
# one round of a worker: read up to :n messages (a psql variable), start their tasks, complete them
work_round="select count(*) from (select pgflow.complete_task(t.run_id, t.step_slug, t.task_index, $output)
  from pgflow.start_tasks('$flow', array(select msg_id from pgmq.read('$flow', 30, :n)), '$worker') as t) as s"

cat > "$tmp/seed.sql" <<SQL
select pgflow.create_flow('$flow', 3, 0, 60);
select pgflow.add_step('$flow', 'fetch');
select pgflow.add_step('$flow', 'items', array['fetch'], step_type => 'map');
select pgflow.add_step('$flow', 'total', array['fetch']);
select pgflow.add_step('$flow', 'save', array['items', 'total']);
select pgflow.register_worker('$worker', '$flow', 'dump-restore-test');
select pgflow.start_flow('$flow', '{"paused": true}', '$paused');
select pgflow.start_flow('$flow', '{"cancelled": true}', '$cancelled');
select count(*) from generate_series(1, 40) as i, pgflow.start_flow('$flow', jsonb_build_object('n', i)) as r;
\set n 100
$work_round;
$work_round;
select pgflow.pause_run('$paused');
select pgflow.cancel_run('$cancelled', 'dump-restore-test');
\set n 60
$work_round;
-- started, not completed: the worker reports these after the restore
select count(*) from pgflow.start_tasks('$flow', array(select msg_id from pgmq.read('$flow', 30, 20)), '$worker');
SQL

# Finishes the runs in flight: the worker reports the tasks it had started,
# the paused run resumes, then rounds of work until no run is open.
cat > "$tmp/finish.sql" <<SQL
select count(*) from (select pgflow.complete_task(t.run_id, t.step_slug, t.task_index, $output)
  from pgflow.step_tasks as t where t.flow_slug = '$flow' and t.status = 'started'
 order by t.run_id, t.step_slug, t.task_index) as s;
select pgflow.resume_run('$paused');
\set n 100
SQL
for i in $(seq 1 12); do echo "$work_round;" >> "$tmp/finish.sql"; done

# state DB: table, row count and a checksum of the rows, for every pgflow
# configuration table and the flow's queue and archive
state() {
  local t tables
  tables=$(psql -X -At -d "$1" -c "select c::regclass::text from pg_extension as e, unnest(e.extconfig) as c
                                    where e.extname = 'pgflow' union all
                                   select format('pgmq.%I', p || '$flow')::regclass::text from unnest(array['q_', 'a_']) as p
                                    order by 1") || return 1
  echo "$tables" | grep -qx pgflow.runs || { echo "pgflow's configuration tables not found"; return 1; }
  for t in $tables; do
    psql -X -At -d "$1" -c "select '$t', count(*), md5(coalesce(string_agg(r::text, e'\n' order by r::text), ''))
                              from $t as r" || return 1
  done
}
# finished DB: every run completed or cancelled, no message left or treated as a stray
finished() {
  local out
  out=$(psql_q -At -d "$1" -f "$tmp/finish.sql" 2>&1) || { echo "$out"; return 1; }
  if echo "$out" | grep -q WARNING; then echo "$out" | grep WARNING; return 1; fi
  psql -X -At -d "$1" -c "(select status, count(*) from pgflow.runs group by 1 order by 1)
                          union all select 'messages left', count(*) from pgmq.q_$flow" > "$tmp/finished"
  cat "$tmp/finished"
  diff <(printf 'cancelled|1\ncompleted|41\nmessages left|0\n') "$tmp/finished"
}
no_violations() {
  local out
  out=$(psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "select * from pgflow.check_invariants()") || return 1
  [ -z "$out" ] || { echo "$out"; return 1; }
}

src=pgflow_dump_src_$$
new_db "$src"
check "create extension pgflow cascade" psql_q -d "$src" -c "create extension pgflow cascade"
check "a flow with runs in flight" psql_q -d "$src" -f "$tmp/seed.sql"
check "the source has queued, started, completed and cancelled tasks and a paused run" \
  bash -c "[ \"\$(psql -X -At -d $src -c \"select string_agg(distinct status, ',' order by status) from pgflow.step_tasks\")\" = 'cancelled,completed,queued,started' ] &&
           [ \"\$(psql -X -At -d $src -c \"select status from pgflow.runs where run_id = '$paused'\")\" = paused ]"
state "$src" > "$tmp/state.src"

check "pg_dump -Fc" pg_dump -Fc -f "$tmp/dump.fc" -d "$src"
check "pg_dump -Fd -j 4" pg_dump -Fd -j 4 -f "$tmp/dump.fd" -d "$src"
check "pg_dump, plain SQL" pg_dump -f "$tmp/dump.sql" -d "$src"

for fmt in fc fd sql; do
  dst=pgflow_dump_${fmt}_$$
  new_db "$dst"
  if [ "$fmt" = sql ]; then
    how="psql -f (plain dump)"
    check "$how exits 0" psql_q -d "$dst" -f "$tmp/dump.sql"
  else
    how="pg_restore -j 4 (-F${fmt#f})"
    check "$how exits 0" pg_restore -j 4 -d "$dst" "$tmp/dump.$fmt"
  fi
  state "$dst" > "$tmp/state.$fmt"
  check "$how restores every row of pgflow's tables and the flow's queue" diff -u "$tmp/state.src" "$tmp/state.$fmt"
  check "the runs in flight finish after $how" finished "$dst"
  check "check_invariants() finds nothing after $how" no_violations "$dst"
done
echo "# $n checks"
