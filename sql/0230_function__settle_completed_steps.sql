
-- _settle_completed_steps( run_ids, step_slugs, start_ready )
-- Everything that follows from steps having just completed, for any number
-- of runs at once: step run_ids[i]'s step step_slugs[i] completed. Their
-- events, their runs' remaining_steps, their dependents' remaining_deps, and
-- the task count of a dependent map (the length of the array it maps over).
-- With start_ready (the caller knows no condition applies), a dependent that
-- becomes ready with tasks to run, in a run that is not paused, is marked
-- started in the same update (one row version less per step than leaving it
-- to _queue_ready_steps); it comes back in ready, for _queue_ready_steps to
-- queue its tasks. A dependent map whose dependency did
-- not output an array fails, and with it its run: failed lists the runs that
-- failed so (usually none). finished lists the runs whose remaining_steps
-- reached 0 here, the only ones these completions can complete (_cascade
-- then calls _complete_runs_if_done for them alone). The caller holds the
-- runs' locks.
--
-- Keys. The runtime rows are read one by one by their primary key, in
-- lateral subqueries that the planner may not flatten (offset 0). The entry
-- points force generic plans, made once per session; one made while the
-- tables were small (just truncated, or analyzed empty) otherwise scanned
-- all of a flow's step_states through flow_slug and filtered them in the
-- join, as long as the session lived: 440 rows read for one completion in
-- the bench, and more as the table grew. A join's equalities, or = any(...)
-- of the keys, leave the planner that choice; a lateral subquery does not.
create function pgflow._settle_completed_steps(run_ids uuid[], step_slugs text[], start_ready boolean,
                                               out failed uuid[], out ready pgflow.step_states[],
                                               out finished uuid[])
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now     timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_any_map boolean;
  v_bad     record;
  v_error   text;
  v_flows   text[];
  v_runs    uuid[];
  v_events  jsonb[];
begin
  failed := '{}'::uuid[];

  if pgflow._events_wanted() then
    if pgflow._is_distributed() then
      -- Citus would call _emit_event on the runs' nodes: the values read first
      select array_agg(ss.flow_slug order by u.n), array_agg(ss.run_id order by u.n),
             array_agg(jsonb_build_object('step_slug', ss.step_slug, 'status', 'completed', 'started_at', ss.started_at,
                                          'completed_at', ss.completed_at, 'output', ss.output) order by u.n)
        into v_flows, v_runs, v_events
        from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) with ordinality as u(r, s, n)
        join pgflow.step_states as ss on ss.run_id = u.r and ss.step_slug = u.s
                                     and ss.run_id = any(_settle_completed_steps.run_ids);
      perform pgflow._emit_event(e.f, e.r, 'step:completed', e.p)
         from unnest(v_flows, v_runs, v_events) with ordinality as e(f, r, p, n)
        order by e.n;
    else
      perform pgflow._emit_event(ss.flow_slug, ss.run_id, 'step:completed',
                jsonb_build_object('step_slug', ss.step_slug, 'status', 'completed', 'started_at', ss.started_at,
                                   'completed_at', ss.completed_at, 'output', ss.output))
         from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) with ordinality as u(r, s, n)
         join pgflow.step_states as ss on ss.run_id = u.r and ss.step_slug = u.s
                                      and ss.run_id = any(_settle_completed_steps.run_ids)
                                      and ss.step_slug = any(_settle_completed_steps.step_slugs)
        order by u.n;
    end if;
  end if;

  with settled_runs as (
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - c.n
      from (select u.r, count(*)::integer as n
              from unnest(_settle_completed_steps.run_ids) as u(r)
             group by u.r) as c
     where r.run_id = c.r
    returning r.run_id, r.remaining_steps
  )
  select coalesce(array_agg(sr.run_id order by sr.run_id) filter (where sr.remaining_steps = 0), '{}'::uuid[])
    into finished
    from settled_runs as sr;

  -- A map has exactly one dependency: the step whose output it maps over.
  -- The step becomes ready when its last dependency completes (remaining_deps
  -- reaches 0) and has tasks (initial_tasks > 0: 0 is a map over [], null a
  -- map over no array, both settled by the caller or below).
  if pgflow._is_distributed() then
    -- Citus: the same statement with run_id named on each distributed table
    -- (it refuses the lateral lookups beside a table function)
    with settled as (
      update pgflow.step_states as ss
         set remaining_deps  = ss.remaining_deps - c.n,
             initial_tasks   = c.initial_tasks,
             status          = case when c.start_now then 'started' else ss.status end,
             started_at      = case when c.start_now then v_now else ss.started_at end,
             remaining_tasks = case when c.start_now then c.initial_tasks else ss.remaining_tasks end
        from (select g.*,
                     _settle_completed_steps.start_ready and g.run_status = 'started' and g.status = 'created'
                       and g.remaining_deps = g.n and g.initial_tasks > 0 as start_now
                from (select done.run_id, d.step_slug, r.status as run_status, dep.status, dep.remaining_deps,
                             count(*)::integer as n,
                             bool_or(s.step_type = 'map') as is_map,
                             case when bool_or(s.step_type = 'map')
                                  then coalesce(max(case when jsonb_typeof(done.output) = 'array'
                                                         then jsonb_array_length(done.output) end),
                                                dep.initial_tasks)
                                  else dep.initial_tasks end as initial_tasks
                        from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) as u(r, s)
                        join pgflow.step_states as done on done.run_id = u.r and done.step_slug = u.s
                                                       and done.run_id = any(_settle_completed_steps.run_ids)
                        join pgflow.runs as r on r.run_id = done.run_id and r.run_id = any(_settle_completed_steps.run_ids)
                        join pgflow.deps as d on d.flow_slug = done.flow_slug and d.dep_slug = done.step_slug
                        join pgflow.steps as s on s.flow_slug = d.flow_slug and s.step_slug = d.step_slug
                        join pgflow.step_states as dep on dep.run_id = done.run_id and dep.step_slug = d.step_slug
                                                      and dep.run_id = any(_settle_completed_steps.run_ids)
                       group by done.run_id, d.step_slug, r.status, dep.status, dep.remaining_deps, dep.initial_tasks) as g
             ) as c
       where ss.run_id = c.run_id and ss.step_slug = c.step_slug and ss.run_id = any(_settle_completed_steps.run_ids)
      returning ss, c.start_now, c.is_map
    )
    select bool_or(st.is_map), array_agg(st.ss order by (st.ss).run_id, (st.ss).step_slug) filter (where st.start_now)
      into v_any_map, ready
      from settled as st;
  else
    with settled as (
      update pgflow.step_states as ss
         set remaining_deps  = ss.remaining_deps - c.n,
             initial_tasks   = c.initial_tasks,
             status          = case when c.start_now then 'started' else ss.status end,
             started_at      = case when c.start_now then v_now else ss.started_at end,
             remaining_tasks = case when c.start_now then c.initial_tasks else ss.remaining_tasks end
        from (select g.*,
                     _settle_completed_steps.start_ready and g.run_status = 'started' and g.status = 'created'
                       and g.remaining_deps = g.n and g.initial_tasks > 0 as start_now
                from (select done.run_id, d.step_slug, r.status as run_status, dep.status, dep.remaining_deps,
                             count(*)::integer as n,
                             bool_or(s.step_type = 'map') as is_map,
                             case when bool_or(s.step_type = 'map')
                                  then coalesce(max(case when jsonb_typeof(done.output) = 'array'
                                                         then jsonb_array_length(done.output) end),
                                                dep.initial_tasks)
                                  else dep.initial_tasks end as initial_tasks
                        from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) as u(r, s)
                       cross join lateral (select x.* from pgflow.step_states as x
                                            where x.run_id = u.r and x.step_slug = u.s offset 0) as done
                       cross join lateral (select x.* from pgflow.runs as x where x.run_id = u.r offset 0) as r
                        join pgflow.deps as d on d.flow_slug = done.flow_slug and d.dep_slug = done.step_slug
                        join pgflow.steps as s on s.flow_slug = d.flow_slug and s.step_slug = d.step_slug
                       cross join lateral (select x.* from pgflow.step_states as x
                                            where x.run_id = done.run_id and x.step_slug = d.step_slug offset 0) as dep
                       group by done.run_id, d.step_slug, r.status, dep.status, dep.remaining_deps, dep.initial_tasks) as g
             ) as c
       where ss.run_id = c.run_id and ss.step_slug = c.step_slug
      returning ss, c.start_now, c.is_map
    )
    select bool_or(st.is_map), array_agg(st.ss order by (st.ss).run_id, (st.ss).step_slug) filter (where st.start_now)
      into v_any_map, ready
      from settled as st;
  end if;

  if not coalesce(v_any_map, false) then
    return;
  end if;

  -- Ready but with no task count: a map whose dependency's output is no array.
  for v_bad in
    select distinct on (ss.run_id) ss.run_id, ss.flow_slug, ss.step_slug, d.dep_slug, jsonb_typeof(dep.output) as type
      from pgflow.step_states as ss
      join pgflow.deps as d on d.flow_slug = ss.flow_slug and d.step_slug = ss.step_slug
      join pgflow.step_states as dep on dep.run_id = ss.run_id and dep.step_slug = d.dep_slug
                                     and dep.run_id = any(_settle_completed_steps.run_ids)
     where ss.run_id = any(_settle_completed_steps.run_ids)
       and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks is null
     order by ss.run_id, ss.step_slug
  loop
    v_error := format('map step "%s" needs an array, but step "%s" output %s',
                      v_bad.step_slug, v_bad.dep_slug, coalesce(v_bad.type, 'nothing'));
    perform pgflow._fail_step(v_bad.run_id, v_bad.flow_slug, v_bad.step_slug, v_error);
    failed := failed || v_bad.run_id;
  end loop;

  -- A failed run queues nothing: its steps marked started above wait again.
  if cardinality(failed) > 0 and ready is not null then
    update pgflow.step_states as ss
       set status = 'created', started_at = null, remaining_tasks = null
      from unnest(ready) as u
     where ss.run_id = u.run_id and ss.step_slug = u.step_slug and u.run_id = any(failed);
    ready := array(select u from unnest(ready) as u where u.run_id <> all(failed)
                    order by u.run_id, u.step_slug);
  end if;
end;
$$;
