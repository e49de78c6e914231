
-- metrics_stalled_tasks()
-- Started tasks whose lease has run out (started_at + the step's timeout +
-- 2 s has passed, as requeue_stalled_tasks reads it), per flow the caller
-- may read, with the start of the oldest one (null when none). Such a task's
-- worker is slow or gone; requeue_stalled_tasks gives it back to the queue
-- once the worker is gone. One row per flow. An invoker function, read
-- through row-level security like metrics_runs.
create function pgflow.metrics_stalled_tasks()
returns table (flow_slug text, stalled bigint, oldest_started_at timestamptz)
language sql
stable
set search_path = ''
set jit = off
as $$
  select f.flow_slug, coalesce(sum(s.stalled), 0)::bigint, min(s.oldest_started_at)
    from pgflow.flows as f
    join pgflow.steps as st on st.flow_slug = f.flow_slug
   cross join lateral (
          select count(*) as stalled, min(t.started_at) as oldest_started_at
            from pgflow.step_tasks as t
           where t.flow_slug = f.flow_slug
             and t.status collate "C" = 'started'
             and t.step_slug = st.step_slug
             and t.started_at <= pg_catalog.clock_timestamp()
                 - make_interval(secs => least(coalesce(st.opt_timeout, f.opt_timeout), 2147483645) + 2)) as s
   group by f.flow_slug
   order by f.flow_slug;
$$;

comment on function pgflow.metrics_stalled_tasks() is
  'started tasks whose lease ran out, per flow the caller may read';
