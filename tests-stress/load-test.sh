#!/usr/bin/env bash
# Load test: RUNS runs (half of a wide flow: root -> 20 parallel steps -> join;
# half of a map flow: seed -> map over 20 elements -> reduce) driven to the end
# by WORKERS concurrent SQL workers (pgflow_tests.work, one commit per call).
# Then every invariant must hold: no deadlock, no error, each task completed
# exactly once, counters zero, statuses consistent. Prints what it checked as
# figures and TAP-like lines.   tests-stress/load-test.sh [RUNS] [WORKERS]
set -uo pipefail
cd "$(dirname "$0")/.."
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}
RUNS=${1:-1000}
WORKERS=${2:-8}
DB=pgflow_load_$$
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
trap 'psql -X -q -d postgres -c "drop database if exists $DB with (force)" >/dev/null 2>&1; rm -rf "$LOGS"' EXIT
LOGS=$(mktemp -d)

psql -X -q -d postgres -c "create database $DB" >/dev/null
psql_q -c "create extension pgflow cascade" >/dev/null 2>&1
psql_q -f tests-helpers/pgflow_tests.sql >/dev/null

psql_q <<'SQL' >/dev/null
select pgflow.create_flow('load_wide', 3, 0, 60);
select pgflow.add_step('load_wide', 'root');
select pgflow.add_step('load_wide', 'p' || i, array['root']) from generate_series(1, 20) as i;
select pgflow.add_step('load_wide', 'join', array(select 'p' || i from generate_series(1, 20) as i));
select pgflow.create_flow('load_map', 3, 0, 60);
select pgflow.add_step('load_map', 'seed');
select pgflow.add_step('load_map', 'double', array['seed'], step_type => 'map');
select pgflow.add_step('load_map', 'reduce', array['double']);
SQL

start=$(date +%s.%N)
# Runs start while the workers work: start_flow races the cascades.
psql_q -c "do \$\$ begin
             for i in 1..$RUNS loop
               perform pgflow.start_flow(case when i % 2 = 0 then 'load_wide' else 'load_map' end, jsonb_build_object('i', i));
               commit;
             end loop; end \$\$" >/dev/null &
starter=$!
pids=()
for w in $(seq 1 "$WORKERS"); do
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "call pgflow_tests.work(array['load_wide', 'load_map'], $w, 10, $RUNS)" \
    >"$LOGS/w$w.log" 2>&1 &
  pids+=($!)
done
wait "$starter"; starter_rc=$?
failed_workers=0
# A worker may see no started run before the starter commits: keep one going until all are done.
for p in "${pids[@]}"; do wait "$p" || failed_workers=$((failed_workers + 1)); done
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "call pgflow_tests.work(array['load_wide', 'load_map'], 0)" >>"$LOGS/w0.log" 2>&1 \
  || failed_workers=$((failed_workers + 1))
end=$(date +%s.%N)

errors=$(cat "$LOGS"/*.log | grep -c 'ERROR' || true)
deadlocks=$(cat "$LOGS"/*.log | grep -c 'deadlock' || true)
q() { psql -X -At -d "$DB" -c "$1"; }
tasks=$(q "select count(*) from pgflow.step_tasks where status = 'completed'")
expected_wide=$(( RUNS / 2 * 22 ))
expected_map=$(( (RUNS - RUNS / 2) * 22 ))
secs=$(echo "$end - $start" | bc)
echo "# load: $RUNS runs ($((RUNS / 2)) wide, $((RUNS - RUNS / 2)) map), $WORKERS workers, $tasks tasks in ${secs}s: $(echo "$tasks / $secs" | bc) tasks/s"
echo "# errors $errors, deadlocks $deadlocks, failed workers $failed_workers"

n=0
check() { n=$((n + 1)); if [ "$2" = "$3" ]; then echo "ok $n - $1 ($2)"; else echo "not ok $n - $1: got $2, expected $3"; fi; }
check "the starter started every run" "$starter_rc" 0
check "no worker failed" "$failed_workers" 0
check "no error in any worker" "$errors" 0
check "no deadlock" "$deadlocks" 0
check "every run completed" "$(q "select count(*) from pgflow.runs where status = 'completed'")" "$RUNS"
check "tasks completed: 22 per run" "$tasks" "$((expected_wide + expected_map))"
check "each task completed exactly once" \
  "$(q "select count(*) from (select 1 from pgflow_tests.completions group by run_id, step_slug, task_index having count(*) > 1) as d")" 0
check "completions recorded = tasks completed" "$(q "select count(*) from pgflow_tests.completions")" "$tasks"
check "every task started once (attempts_count 1)" "$(q "select count(*) from pgflow.step_tasks where attempts_count <> 1")" 0
check "invariants hold for every run" \
  "$(q "select count(*) from pgflow.check_invariants()")" 0
q "select format('# broken: %s (%s runs), e.g. %s', invariant, count(*), min(detail)) from pgflow.check_invariants() group by invariant"
check "remaining counters are zero" \
  "$(q "select count(*) from pgflow.step_states where remaining_tasks <> 0 or remaining_deps <> 0")" 0
check "map outputs are in task_index order" \
  "$(q "select count(*) from pgflow.step_states where step_slug = 'double' and output <> (select jsonb_agg(i * 2) from generate_series(1, 20) as i)")" 0
check "queues are empty" "$(q "select count(*) from pgmq.q_load_wide") $(q "select count(*) from pgmq.q_load_map")" "0 0"
workers_used=$(q "select count(distinct worker) from pgflow_tests.completions")
echo "# tasks were completed by $workers_used workers"
