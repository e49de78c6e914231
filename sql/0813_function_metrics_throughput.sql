
-- metrics_throughput( minutes )
-- Tasks completed per minute over the last minutes (default 60, at most
-- 1440), per flow the caller may read: one row per flow and minute, oldest
-- first, zeros included, the current (partial) minute last. Reads
-- step_tasks_completed_idx, one flow at a time. An invoker function, read
-- through row-level security like metrics_runs.
create function pgflow.metrics_throughput(minutes integer default 60)
returns table (flow_slug text, minute timestamptz, completed bigint)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_throughput.minutes, whole_minutes => true);
  return query
    select f.flow_slug, m.minute, coalesce(c.completed, 0)
      from pgflow.flows as f
     cross join generate_series(v_since, date_trunc('minute', clock_timestamp()), interval '1 minute') as m(minute)
      left join lateral (
            select date_trunc('minute', t.completed_at) as minute, count(*) as completed
              from pgflow.step_tasks as t
             where t.flow_slug = f.flow_slug
               and t.status collate "C" = 'completed'
               and t.completed_at >= v_since
             group by 1) as c on c.minute = m.minute
     order by f.flow_slug, m.minute;
end;
$$;

comment on function pgflow.metrics_throughput(integer) is
  'tasks completed per minute over the last minutes (default 60), per flow the caller may read';
