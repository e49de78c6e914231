
-- metrics_tasks( minutes )
-- Tasks by status, per flow the caller may read: the tasks in flight now
-- (queued, started), and those that completed or failed in the last minutes
-- (default 60, at most 1440). One row per flow and status, zeros included,
-- so that a gauge built from it drops to 0. Finished tasks are counted over
-- a window, not over all history, so that the cost grows with the tasks
-- finished in the window and not with the size of pgflow.step_tasks; it
-- reads the metrics indexes only (sql/0800), one flow at a time. An invoker
-- function, read through row-level security like metrics_runs.
create function pgflow.metrics_tasks(minutes integer default 60)
returns table (flow_slug text, status text, tasks bigint)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_tasks.minutes);
  return query
    select f.flow_slug, s.status,
           case s.status
             when 'queued' then (select count(*) from pgflow.step_tasks as t
                                  where t.flow_slug = f.flow_slug and t.status collate "C" = 'queued')
             when 'started' then (select count(*) from pgflow.step_tasks as t
                                   where t.flow_slug = f.flow_slug and t.status collate "C" = 'started')
             when 'completed' then (select count(*) from pgflow.step_tasks as t
                                     where t.flow_slug = f.flow_slug and t.status collate "C" = 'completed'
                                       and t.completed_at >= v_since)
             else (select count(*) from pgflow.step_tasks as t
                    where t.flow_slug = f.flow_slug and t.status collate "C" = 'failed' and t.failed_at >= v_since)
           end
      from pgflow.flows as f
     cross join unnest(array['queued', 'started', 'completed', 'failed']) with ordinality as s(status, n)
     order by f.flow_slug, s.n;
end;
$$;

comment on function pgflow.metrics_tasks(integer) is
  'tasks in flight by status, and tasks completed or failed in the last minutes, per flow the caller may read';
