
-- Indexes for the metrics functions (0810-0816) and the dashboard's run list,
-- so that polling them every few seconds stays cheap at a million tasks
-- (scripts/bench-metrics.sh measures each query). The metrics functions
-- set jit = off: their row estimates are large enough for JIT, whose
-- compilation costs 100 ms and more on queries that take a few.
--
-- Their status is in collation "C" (in the key, or in the predicate), and the
-- metrics write status collate "C" = '...' to use them: an index serves only
-- comparisons in its own collation, so the engine's queries, which compare
-- status in the column's collation, never see these indexes; and no key
-- starts with flow_slug, which the engine's lookups by (flow_slug,
-- message_id) would otherwise share with them. Measured: with
-- a plain (flow_slug, status) index, the planner of start_tasks and
-- _fail_tasks read every started task through it (a full index scan on
-- status = 'started') instead of looking tasks up by key, and a worker's
-- tasks took 1.8 times as long.
--
-- step_tasks_status_flow_idx: the tasks in flight (queued, started) and the
-- stalled ones, by (status, flow_slug). step_tasks_completed_idx and
-- step_tasks_failed_idx: the tasks that finished in a time window of one
-- flow (tasks by status, throughput, durations, failure rate), with
-- started_at included so that durations read no heap row. Terminal statuses
-- are counted over a window, not over all history: the cost then grows with
-- the tasks finished in the window, not with the size of the table. The
-- indexes cost an index entry per task change: a status change of a task is
-- no longer a HOT update.
create index step_tasks_status_flow_idx on pgflow.step_tasks (status collate "C", flow_slug);
create index step_tasks_completed_idx on pgflow.step_tasks (flow_slug, completed_at) include (started_at)
  where status collate "C" = 'completed';
create index step_tasks_failed_idx on pgflow.step_tasks (flow_slug, failed_at) where status collate "C" = 'failed';

-- runs_status_flow_idx: the runs in flight (started, paused) by flow.
-- runs_completed_idx, runs_failed_by_flow_idx, runs_cancelled_idx: the runs
-- that finished in a time window of one flow (metrics_runs), one index per
-- status on its own timestamp: an index on coalesce() of the three, or with
-- status in (...), is passed over under row-level security (as a client or
-- an admin: 77 ms at 200 000 runs, where these take 2). runs_failed_idx: the
-- failed runs of every flow, newest first, paged by (failed_at, run_id)
-- (list_failed_runs). runs_started_idx: the dashboard's run list, newest
-- first, paged.
create index runs_status_flow_idx on pgflow.runs (status collate "C", flow_slug);
create index runs_completed_idx on pgflow.runs (flow_slug, completed_at) where status collate "C" = 'completed';
create index runs_failed_by_flow_idx on pgflow.runs (flow_slug, failed_at) where status collate "C" = 'failed';
create index runs_cancelled_idx on pgflow.runs (flow_slug, cancelled_at) where status collate "C" = 'cancelled';
create index runs_failed_idx on pgflow.runs (failed_at desc, run_id desc) where status collate "C" = 'failed';
create index runs_started_idx on pgflow.runs (started_at desc, run_id desc);
