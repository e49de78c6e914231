
-- metrics_task_durations( minutes )
-- Tasks that finished in the last minutes (default 60, at most 1440), per
-- flow the caller may read: how many completed and failed (a failed task has
-- used up its attempts), the failure rate (failed / finished; null when none
-- finished) and the median and 95th percentile of the time from start to
-- completion of the completed ones, in seconds (null when none completed).
-- One row per flow. Reads step_tasks_completed_idx and step_tasks_failed_idx
-- only (index-only), one flow at a time. An invoker function, read through row-level security like
-- metrics_runs.
create function pgflow.metrics_task_durations(minutes integer default 60)
returns table (flow_slug text, completed bigint, failed bigint, failure_rate double precision,
               duration_p50_seconds double precision, duration_p95_seconds double precision)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_task_durations.minutes);
  return query
    select f.flow_slug, d.completed, e.failed,
           case when d.completed + e.failed > 0 then e.failed::double precision / (d.completed + e.failed) end,
           d.p50, d.p95
      from pgflow.flows as f
     cross join lateral (
            select count(*) as completed,
                   percentile_cont(0.5) within group (order by t.completed_at - t.started_at) as p50i,
                   percentile_cont(0.95) within group (order by t.completed_at - t.started_at) as p95i
              from pgflow.step_tasks as t
             where t.flow_slug = f.flow_slug and t.status collate "C" = 'completed' and t.completed_at >= v_since) as d0
     cross join lateral (select d0.completed, extract(epoch from d0.p50i)::double precision as p50,
                                extract(epoch from d0.p95i)::double precision as p95) as d
     cross join lateral (
            select count(*) as failed
              from pgflow.step_tasks as t
             where t.flow_slug = f.flow_slug and t.status collate "C" = 'failed' and t.failed_at >= v_since) as e
     order by f.flow_slug;
end;
$$;

comment on function pgflow.metrics_task_durations(integer) is
  'tasks finished in the last minutes per flow: completed, failed, failure rate, duration p50 and p95';
