#!/usr/bin/env bash
# Metrics workload of `make bench` (scripts/bench.sh calls it): fills a
# database of its own with a million tasks (BENCH_SCALE=0.2: 200 000), written
# directly with SQL for speed, over 5 flows of one map step (5 tasks a run):
# mostly completed over the last 24 hours (about 12 tasks a second), some failed, started (stalled)
# and queued with their queue messages; then times each metrics
# query the dashboard polls (best of 5, warm cache) against a target of 50 ms.
#   scripts/bench-metrics.sh                 full size
#   BENCH_SCALE=0.2 scripts/bench-metrics.sh smoke run
set -euo pipefail
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}
DB=${BENCH_METRICS_DB:-pgflow_bench_metrics}
SCALE=${BENCH_SCALE:-1}
TASKS=$(awk -v s="$SCALE" 'BEGIN { printf "%d", 1000000 * s }')
RUNS=$((TASKS / 5))

psql -qX -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
psql -qX -d "$DB" -v ON_ERROR_STOP=1 -v runs="$RUNS" >/dev/null <<'SQL'
set client_min_messages = warning;
create extension pgflow cascade;
select pgflow.create_flow('bm_' || i, timeout => 30) from generate_series(1, 5) as i;
select pgflow.add_step('bm_' || i, 'items', step_type => 'map') from generate_series(1, 5) as i;
-- run r: flow bm_((r / 7) % 5 + 1); 97 % completed, 1 % failed, the rest started
create temporary table g as
select r, 'bm_' || ((r / 7) % 5 + 1) as flow_slug, gen_random_uuid() as run_id,
       case when r % 100 < 97 then 'completed' when r % 100 = 97 then 'failed' else 'started' end as status,
       now() - make_interval(secs => (r::double precision / :runs) * 86400 + 60) as started_at
  from generate_series(1, :runs) as r;
insert into pgflow.runs (run_id, flow_slug, status, input, output, remaining_steps, started_at, completed_at, failed_at)
select run_id, flow_slug, status, '{}', case when status = 'completed' then '{}'::jsonb end,
       case when status = 'completed' then 0 else 1 end, started_at,
       case when status = 'completed' then started_at + interval '5 s' end,
       case when status = 'failed' then started_at + interval '5 s' end
  from g;
insert into pgflow.step_states (flow_slug, run_id, step_slug, status, remaining_tasks, initial_tasks, created_at,
                                started_at, completed_at, failed_at, output, error_message)
select flow_slug, run_id, 'items', status, case when status = 'completed' then 0 when status = 'started' then 2 else 1 end,
       5, started_at, started_at, case when status = 'completed' then started_at + interval '5 s' end,
       case when status = 'failed' then started_at + interval '5 s' end,
       case when status = 'completed' then '[]'::jsonb end,
       case when status = 'failed' then 'boom' end
  from g;
insert into pgflow.step_tasks (flow_slug, run_id, step_slug, task_index, status, attempts_count, queued_at,
                               started_at, completed_at, failed_at, output, error_message)
select g.flow_slug, g.run_id, 'items', i, s.status, 1, g.started_at,
       case when s.status <> 'queued' then g.started_at + make_interval(secs => i * 0.1) end,
       case when s.status = 'completed' then g.started_at + make_interval(secs => i * 0.1 + 0.05 + (g.r % 17) * 0.01) end,
       case when s.status = 'failed' then g.started_at + make_interval(secs => 1) end,
       case when s.status = 'completed' then '1'::jsonb end,
       case when s.status = 'failed' then 'boom' end
  from g cross join generate_series(0, 4) as i
  cross join lateral (select case when g.status = 'completed' then 'completed'
                                  when g.status = 'failed' then (case when i = 0 then 'failed' else 'completed' end)
                                  when i < 3 then 'completed' when i = 3 then 'started' else 'queued' end as status) as s;
-- the queued tasks' messages
select pgmq.send_batch(f.flow_slug, array(select '{}'::jsonb from g, generate_series(1, 1)
                                            where g.flow_slug = f.flow_slug and g.status = 'started'))
  from pgflow.flows as f where f.flow_slug like 'bm\_%';
vacuum analyze pgflow.runs, pgflow.step_states, pgflow.step_tasks;
SQL

# a dashboard connects as an admin or client role: the queries then go through row-level security
psql -qX -d "$DB" -c "drop role if exists ${DB}_reader" -c "create role ${DB}_reader" \
  -c "select pgflow.grant_admin('${DB}_reader')" >/dev/null
worst=0
for as in owner ${DB}_reader; do
echo "metrics queries as $as on $(psql -qXAt -d "$DB" -c 'select count(*) from pgflow.step_tasks') tasks, $RUNS runs, 5 flows (best of 5; target < 50 ms):"
for q in "select * from pgflow.metrics_runs()" \
         "select * from pgflow.metrics_tasks()" \
         "select * from pgflow.metrics_queues()" \
         "select * from pgflow.metrics_throughput()" \
         "select * from pgflow.metrics_task_durations()" \
         "select * from pgflow.metrics_stalled_tasks()" \
         "select * from pgflow.list_failed_runs()" \
         "select * from pgflow.list_failed_runs('bm_3', now() - interval '1 hour')"; do
  ms=$(psql -qXAt -d "$DB" <<SQL | awk '/^Time:/ && (min == "" || $2 < min) { min = $2 } END { printf "%.1f", min }'
$( [ "$as" = owner ] || echo "set role $as;" )
\timing on
\o /dev/null
$q; $q; $q; $q; $q; $q;
SQL
  )
  printf '  %-80s %8s ms\n' "$q" "$ms"
  worst=$(awk -v a="$worst" -v b="$ms" 'BEGIN { print (b > a ? b : a) }')
done
done
echo "slowest metrics query: $worst ms (target < 50 ms)"
[ -n "${BENCH_METRICS_KEEP:-}" ] || psql -qX -d postgres -c "drop database $DB with (force)" -c "drop role ${DB}_reader" >/dev/null
