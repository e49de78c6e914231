#!/usr/bin/env bash
# Fault test: PostgreSQL stops (fast, then immediate: a crash) in the middle of
# running runs (two batches of RUNS) worked by SQL workers; after each restart
# fresh workers go on. Every run must complete, every task exactly once (each accepted
# completion is recorded in the same transaction as complete_task), none stuck.
# Runs on a cluster of its own (port 25439, data beside the main one's), so it never
# disturbs the main one.   tests-stress/fault-test.sh [RUNS]
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-100}
export PGFLOW_PORT=${FAULT_PORT:-25439}
# beside the main cluster's data directory (which db.sh picks)
export PGFLOW_DATA=${FAULT_DATA:-$(PGFLOW_DATA='' scripts/db.sh datadir)-faults}
export PGHOST=127.0.0.1 PGPORT=$PGFLOW_PORT PGUSER=postgres
DB=pgflow_faults
LOGS=$(mktemp -d)
trap 'scripts/db.sh stop >/dev/null 2>&1; rm -rf "$LOGS"' EXIT
q() { psql -X -At -d "$DB" -c "$1"; }

scripts/db.sh start >/dev/null || exit 1
psql -X -q -d postgres -c "drop database if exists $DB" -c "create database $DB" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "create extension pgflow cascade" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f tests-helpers/pgflow_tests.sql >/dev/null
# timeout 1: a task whose worker died comes back after 3 s
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
select pgflow.create_flow('faults', 5, 0, 1);
select pgflow.add_step('faults', 'seed');
select pgflow.add_step('faults', 'double', array['seed'], step_type => 'map');
select pgflow.add_step('faults', 'a', array['seed']);
select pgflow.add_step('faults', 'b', array['seed']);
select pgflow.add_step('faults', 'join', array['double', 'a', 'b']);
SQL
workers() { # round
  for w in 1 2 3 4; do
    psql -X -q -d "$DB" -c "call pgflow_tests.work(array['faults'], $1$w, 5, $((RUNS * ($1 < 2 ? 1 : 2))))" >"$LOGS/r$1w$w.log" 2>&1 &
  done
}
n=0
check() { n=$((n + 1)); if [ "$2" = "$3" ]; then echo "ok $n - $1 ($2)"; else echo "not ok $n - $1: got $2, expected $3"; fi; }

start_runs() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" \
    -c "select count(*) from generate_series(1, $RUNS) as i, lateral pgflow.start_flow('faults', jsonb_build_object('i', i)) as r" >/dev/null
}
# Two batches of RUNS runs, each started just before the round that gets
# interrupted, so that work is in flight at both restarts on any machine.
expected_tasks=$((2 * RUNS * 24))
start_runs
workers 1; sleep 1
done_before_fast=$(q "select count(*) from pgflow_tests.completions")
scripts/db.sh restart fast >/dev/null
wait
start_runs
workers 2; sleep 0.7
done_before_crash=$(q "select count(*) from pgflow_tests.completions")
scripts/db.sh restart immediate >/dev/null
wait
start=$(date +%s)
workers 3; wait
secs=$(( $(date +%s) - start ))
echo "# faults: $((2 * RUNS)) runs, $expected_tasks tasks; $done_before_fast completed before a fast shutdown, $done_before_crash before an immediate one; the rest in ${secs}s after"
check "tasks were in flight at the fast shutdown" "$([ "$done_before_fast" -lt $((RUNS * 24)) ] && echo yes)" yes
check "tasks were in flight at the crash" "$([ "$done_before_crash" -lt "$expected_tasks" ] && echo yes)" yes
check "every run completed" "$(q "select count(*) from pgflow.runs where status = 'completed'")" "$((2 * RUNS))"
check "no run stuck" "$(q "select count(*) from pgflow.runs where status <> 'completed'")" 0
check "every task completed" "$(q "select count(*) from pgflow.step_tasks where status = 'completed'")" "$expected_tasks"
check "no task completed twice" \
  "$(q "select count(*) from (select 1 from pgflow_tests.completions group by run_id, step_slug, task_index having count(*) > 1) as d")" 0
check "completions recorded = tasks" "$(q "select count(*) from pgflow_tests.completions")" "$expected_tasks"
check "invariants hold for every run" "$(q "select count(*) from pgflow.check_invariants()")" 0
q "select format('# broken: %s (%s runs), e.g. %s', invariant, count(*), min(detail)) from pgflow.check_invariants() group by invariant"
echo "# tasks retried after losing their worker: $(q "select count(*) from pgflow.step_tasks where attempts_count > 1")"

# The TypeScript worker (client-ts/examples/worker.ts) through a fast and an
# immediate restart: it must reconnect on its own and finish every run.
TS_RUNS=60
(cd client-ts && { [ -f dist/cli/main.js ] || npm run -s build; } \
  && node dist/cli/main.js compile examples/diamond.ts --out "$LOGS/mig" >/dev/null) || echo "not ok - could not compile the example flow"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$LOGS"/mig/*_create_diamond.sql >/dev/null
# Runs i = $1..$2. Each restart comes right after a third of the runs
# started, and after the worker showed it was at work (it finishes 20 runs
# within a second): so each restart finds its work unfinished, however fast
# the worker and the machine are.
start_ts_runs() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "select count(*) from generate_series($1, $2) as i,
    lateral pgflow.start_flow('diamond', jsonb_build_object('n', 1 + i % 7)) as r" >/dev/null
}
ts_done() { q "select count(*) from pgflow.step_tasks where flow_slug = 'diamond' and status = 'completed'"; }
ts_total() { q "select coalesce(sum(4 + (input ->> 'n')::integer), 0) from pgflow.runs where flow_slug = 'diamond'"; } # 4 singles + n map tasks a run
wait_ts_done_over() { # n: until the worker completed more than n tasks (at most 30 s)
  for _ in $(seq 1 300); do [ "$(ts_done)" -gt "$1" ] && return; sleep 0.1; done
}
third=$((TS_RUNS / 3))
start_ts_runs 1 $third
(cd client-ts && PGDATABASE=$DB exec node --import pgflow-ts/register examples/worker.ts) >"$LOGS/ts-worker.log" 2>&1 &
ts_worker=$!
wait_ts_done_over 0
start_ts_runs $((third + 1)) $((2 * third))
ts_before_fast=$(ts_done); ts_started_fast=$(ts_total)
scripts/db.sh restart fast >/dev/null
wait_ts_done_over "$ts_before_fast"
start_ts_runs $((2 * third + 1)) $TS_RUNS
ts_before_crash=$(ts_done); ts_tasks=$(ts_total)
scripts/db.sh restart immediate >/dev/null
# A task whose start_tasks answer the crash lost comes back when its lease
# runs out (timeout 30 + 2 s), after the worker's reconnect backoff (up to
# 10 s): 90 s leave room for that on a loaded machine.
for _ in $(seq 1 90); do
  [ "$(q "select count(*) from pgflow.runs where flow_slug = 'diamond' and status = 'completed'")" = "$TS_RUNS" ] && break
  sleep 1
done
q "select format('# diamond runs %s: %s', status, count(*)) from pgflow.runs where flow_slug = 'diamond' and status <> 'completed' group by status"
q "select format('# diamond task %s/%s attempt %s %s: %s', step_slug, task_index, attempts_count, status, left(error_message, 200))
     from pgflow.step_tasks where flow_slug = 'diamond' and status <> 'completed' order by run_id, step_slug limit 10"
alive=$(kill -0 "$ts_worker" 2>/dev/null && echo yes || echo no)
kill -TERM "$ts_worker" 2>/dev/null; wait "$ts_worker"; ts_rc=$?
echo "# TypeScript worker: $ts_tasks tasks; $ts_before_fast of $ts_started_fast completed before the fast shutdown, $ts_before_crash of $ts_tasks before the crash"
check "its tasks were in flight at both restarts" \
  "$([ "$ts_before_fast" -lt "$ts_started_fast" ] && [ "$ts_before_crash" -lt "$ts_tasks" ] && echo yes)" yes
check "the TypeScript worker lived through both restarts" "$alive" yes
check "it finished every run started before them" \
  "$(q "select count(*) from pgflow.runs where flow_slug = 'diamond' and status = 'completed'")" "$TS_RUNS"
check "with the right outputs (sum of squares of 1..n)" \
  "$(q "select count(*) from pgflow.runs where flow_slug = 'diamond'
          and (output -> 'report' ->> 'sum')::integer = (select sum(i * i) from generate_series(1, (input ->> 'n')::integer) as i)")" "$TS_RUNS"
check "SIGTERM stopped it cleanly" "$ts_rc" 0
check "and marked its worker row stopped" \
  "$(q "select count(*) from pgflow.workers where queue_name = 'diamond' and stopped_at is not null")" 1
