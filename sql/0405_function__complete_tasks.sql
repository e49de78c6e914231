
-- _complete_tasks( run_ids, step_slugs, task_indexes, outputs )
-- What complete_task and complete_tasks do once their caller has locked the
-- runs (each exists) and is authorized: task i is task task_indexes[i] of
-- step step_slugs[i] of run run_ids[i], with output outputs[i]. Records the
-- outputs of the started tasks of running (or paused) runs and archives
-- their messages, one call per flow. A step whose last task completed
-- completes (a map's output is the array of its tasks' outputs in task_index
-- order), and one cascade drives all their runs on. A task listed twice
-- completes once, with its first output. Returns the completed tasks; a task
-- that is not started, or whose run is not running, is left as it is. An
-- unknown step or task is an error.
--
-- A single step's output is the array a dependent map step maps over. An
-- output that is no array (JSON null included) fails the task that produced
-- it, its step and its run, as upstream pgflow 0.8.1 does (since 0.2.9): the
-- bad value is the producer's, so its error_message is where the reader
-- looks. The task keeps that output (null as SQL NULL) and the message,
-- "[TYPE_VIOLATION] ..." as upstream tags it, names both steps and the JSON
-- type. The map step stays created, without tasks. Other tasks of that run
-- in the batch are then left as they are (the run is failed).
--
-- On Citus (_is_distributed(), docs/scaling.md) the tasks and steps are found
-- by joins with run_id named on each distributed table instead of lateral
-- lookups and tuple ids, which Citus refuses; plain PostgreSQL keeps its
-- statements and plans.
create function pgflow._complete_tasks(run_ids uuid[], step_slugs text[], task_indexes integer[], outputs jsonb[])
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now        timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_completed  pgflow.step_tasks[];
  v_missing    record;
  v_flow       text;
  v_ids        bigint[];
  v_done_runs  uuid[];
  v_done_steps text[];
  v_all        boolean;
  v_bad        record;
  v_error      text;
  v_runs       uuid[];
  v_map_r      uuid[];
  v_map_s      text[];
  v_map_o      jsonb[];
begin
  -- Outputs a dependent map cannot map over: fail their producers first.
  -- The joins run from the batch through primary keys, in this order
  -- (callers set join_collapse_limit = 1); the runtime rows one by one
  -- through their keys, in lateral subqueries the planner may not flatten
  -- (offset 0), whatever the statistics said when the plan was made (see
  -- _settle_completed_steps: "Keys").
  -- (On Citus, the same query with run_id named on each distributed table:
  -- it refuses the lateral lookups beside a table function.)
  if pgflow._is_distributed() then
    for v_bad in
      select distinct on (t.run_id) t.run_id, t.flow_slug, t.step_slug, t.task_index, b.o as output,
             m.step_slug as map_slug
        from (select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
                from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                            _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
               order by u.r, u.s, u.i, u.n) as b
        join pgflow.step_tasks as t on t.run_id = b.r and t.step_slug = b.s and t.task_index = b.i
                                   and t.run_id = any(_complete_tasks.run_ids)
        join pgflow.runs as r on r.run_id = t.run_id and r.run_id = any(_complete_tasks.run_ids)
        join pgflow.steps as p on p.flow_slug = t.flow_slug and p.step_slug = t.step_slug
        join pgflow.deps as d on d.flow_slug = t.flow_slug and d.dep_slug = t.step_slug
        join pgflow.steps as m on m.flow_slug = d.flow_slug and m.step_slug = d.step_slug
        join pgflow.step_states as ms on ms.run_id = t.run_id and ms.step_slug = m.step_slug
                                     and ms.run_id = any(_complete_tasks.run_ids)
       where jsonb_typeof(b.o) is distinct from 'array'
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
         and p.step_type = 'single'
         and m.step_type = 'map'
         and ms.status = 'created'
       order by t.run_id, t.step_slug, t.task_index, m.step_slug
    loop
      v_error := format('[TYPE_VIOLATION] map step "%s" needs an array, but step "%s" output %s',
                        v_bad.map_slug, v_bad.step_slug, coalesce(jsonb_typeof(v_bad.output), 'nothing'));
      -- _fail_run archives the messages of the run's queued and started
      -- tasks, this one's included: it is still started here.
      perform pgflow._fail_step(v_bad.run_id, v_bad.flow_slug, v_bad.step_slug, v_error);
      update pgflow.step_tasks as t
         set status = 'failed', failed_at = now(), error_message = v_error,
             output = nullif(v_bad.output, 'null'::jsonb)
       where t.run_id = v_bad.run_id and t.step_slug = v_bad.step_slug and t.task_index = v_bad.task_index;
    end loop;
  else
    for v_bad in
      select distinct on (t.run_id) t.run_id, t.flow_slug, t.step_slug, t.task_index, b.o as output,
             m.step_slug as map_slug
        from (select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
                from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                            _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
               order by u.r, u.s, u.i, u.n) as b
       cross join lateral (select x.* from pgflow.step_tasks as x
                            where x.run_id = b.r and x.step_slug = b.s and x.task_index = b.i offset 0) as t
       cross join lateral (select x.* from pgflow.runs as x where x.run_id = b.r offset 0) as r
        join pgflow.steps as p on p.flow_slug = t.flow_slug and p.step_slug = t.step_slug
        join pgflow.deps as d on d.flow_slug = t.flow_slug and d.dep_slug = t.step_slug
        join pgflow.steps as m on m.flow_slug = d.flow_slug and m.step_slug = d.step_slug
       cross join lateral (select x.* from pgflow.step_states as x
                            where x.run_id = b.r and x.step_slug = m.step_slug offset 0) as ms
       where jsonb_typeof(b.o) is distinct from 'array'
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
         and p.step_type = 'single'
         and m.step_type = 'map'
         and ms.status = 'created'
       order by t.run_id, t.step_slug, t.task_index, m.step_slug
    loop
      v_error := format('[TYPE_VIOLATION] map step "%s" needs an array, but step "%s" output %s',
                        v_bad.map_slug, v_bad.step_slug, coalesce(jsonb_typeof(v_bad.output), 'nothing'));
      -- _fail_run archives the messages of the run's queued and started
      -- tasks, this one's included: it is still started here.
      perform pgflow._fail_step(v_bad.run_id, v_bad.flow_slug, v_bad.step_slug, v_error);
      update pgflow.step_tasks as t
         set status = 'failed', failed_at = now(), error_message = v_error,
             output = nullif(v_bad.output, 'null'::jsonb)
       where t.run_id = v_bad.run_id and t.step_slug = v_bad.step_slug and t.task_index = v_bad.task_index;
    end loop;
  end if;

  if pgflow._is_distributed() then
    -- Citus: the tasks by their keys, run_id named on each distributed table
    -- (it refuses the lateral lookups, and tuple ids are the shards')
    with batch as (
      select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
        from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                    _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
       order by u.r, u.s, u.i, u.n
    ), completed as (
      update pgflow.step_tasks as t
         set status = 'completed', completed_at = now(), output = b.o
        from batch as b, pgflow.runs as r
       where t.run_id = b.r and t.step_slug = b.s and t.task_index = b.i
         and t.run_id = any(_complete_tasks.run_ids)
         and r.run_id = t.run_id and r.run_id = any(_complete_tasks.run_ids)
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
      returning t.*
    )
    select array_agg(c::pgflow.step_tasks order by c.run_id, c.step_slug, c.task_index)
      into v_completed
      from completed as c;
  else
    with batch as (
      select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
        from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                    _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
       order by u.r, u.s, u.i, u.n
    ), completed as (
      update pgflow.step_tasks as t
         set status = 'completed', completed_at = now(), output = b.o
        -- Each task found first through its primary key (a lateral subquery
        -- the planner may not flatten: offset 0), then updated by its tuple id,
        -- so that no plan reads other tasks whatever the statistics said when
        -- it was made (see _settle_completed_steps: "Keys"). A task changed
        -- meanwhile by another transaction (requeued, or leased again) no
        -- longer has that id and is left as it is: a late completion.
        from batch as b
       cross join lateral (select x.ctid from pgflow.step_tasks as x
                            where x.run_id = b.r and x.step_slug = b.s and x.task_index = b.i offset 0) as k
       cross join lateral (select x.* from pgflow.runs as x where x.run_id = b.r offset 0) as r
       where t.ctid = k.ctid
         and t.status = 'started'
         -- started or paused (cancel: in-flight work of a paused run is kept),
         -- written so that no plan looks runs up by status rather than by run_id
         and r.status not in ('completed', 'failed', 'cancelled')
      returning t.*
    )
    select array_agg(c::pgflow.step_tasks order by c.run_id, c.step_slug, c.task_index)
      into v_completed
      from completed as c;
  end if;

  -- Tasks left as they are: fine when they exist (a late or repeated call).
  if coalesce(cardinality(v_completed), 0) < cardinality(_complete_tasks.run_ids) then
    for v_missing in
      select u.r, r.flow_slug, u.s, u.i
        from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes)
             with ordinality as u(r, s, i, n)
        join pgflow.runs as r on r.run_id = u.r
       where not exists (select from unnest(v_completed) as c
                          where c.run_id = u.r and c.step_slug = u.s and c.task_index = u.i)
       order by u.r, u.n
    loop
      perform pgflow._assert_task_exists(v_missing.r, v_missing.flow_slug, v_missing.s, v_missing.i);
    end loop;
    if v_completed is null then
      return;
    end if;
  end if;

  -- Their messages, one call per flow.
  for v_flow, v_ids in
    select c.flow_slug, array_agg(c.message_id order by c.message_id)
      from unnest(v_completed) as c
     where c.message_id is not null
     group by c.flow_slug
     order by c.flow_slug
  loop
    perform pgmq.archive(v_flow, v_ids);
  end loop;

  -- Their steps: a step whose last task completed completes.
  if pgflow._is_distributed() then
    -- Citus: the steps by their keys, run_id named (as above); the outputs
    -- of the maps that complete read first (Citus refuses a subquery in a
    -- CASE of an UPDATE)
    v_runs := array(select distinct c.run_id from unnest(v_completed) as c);
    with k as (
      select c.run_id, c.flow_slug, c.step_slug, count(*)::integer as n
        from unnest(v_completed) as c
       group by c.run_id, c.flow_slug, c.step_slug
    )
    select array_agg(g.run_id), array_agg(g.step_slug), array_agg(g.output)
      into v_map_r, v_map_s, v_map_o
      from (select t.run_id, t.step_slug, jsonb_agg(t.output order by t.task_index) as output
              from k
              join pgflow.steps as s on s.flow_slug = k.flow_slug and s.step_slug = k.step_slug and s.step_type = 'map'
              join pgflow.step_states as ss on ss.run_id = k.run_id and ss.step_slug = k.step_slug
                                           and ss.run_id = any(v_runs) and ss.remaining_tasks = k.n
              join pgflow.step_tasks as t on t.run_id = ss.run_id and t.step_slug = ss.step_slug
                                         and t.run_id = any(v_runs)
             group by t.run_id, t.step_slug) as g;
    with counts as (
      select c.run_id, c.flow_slug, c.step_slug, count(*)::integer as n, (array_agg(c.output))[1] as output,
             (array_agg(m.o))[1] as map_output
        from unnest(v_completed) as c
        left join unnest(v_map_r, v_map_s, v_map_o) as m(r, s, o) on m.r = c.run_id and m.s = c.step_slug
       group by c.run_id, c.flow_slug, c.step_slug
    ), steps_done as (
      update pgflow.step_states as ss
         set remaining_tasks = ss.remaining_tasks - k.n,
             status          = case when ss.remaining_tasks = k.n then 'completed' else ss.status end,
             completed_at    = case when ss.remaining_tasks = k.n then v_now end,
             output          = case
                                 when ss.remaining_tasks > k.n then null
                                 when s.step_type = 'map' then k.map_output
                                 else k.output
                               end
        from counts as k
        join pgflow.steps as s on s.flow_slug = k.flow_slug and s.step_slug = k.step_slug
       where ss.run_id = k.run_id and ss.step_slug = k.step_slug
         and ss.run_id = any(v_runs)
      returning ss.run_id, ss.step_slug, ss.status
    )
    select array_agg(d.run_id order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           array_agg(d.step_slug order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           count(*)::integer = (select count(*) from (select distinct c.run_id, c.step_slug from unnest(v_completed) as c) as x)
      into v_done_runs, v_done_steps, v_all
      from steps_done as d;
  else
    with counts as (
      select c.run_id, c.flow_slug, c.step_slug, count(*)::integer as n, (array_agg(c.output))[1] as output
        from unnest(v_completed) as c
       group by c.run_id, c.flow_slug, c.step_slug
    ), steps_done as (
      update pgflow.step_states as ss
         set remaining_tasks = ss.remaining_tasks - k.n,
             status          = case when ss.remaining_tasks = k.n then 'completed' else ss.status end,
             completed_at    = case when ss.remaining_tasks = k.n then v_now end,
             output          = case
                                 when ss.remaining_tasks > k.n then null
                                 when s.step_type = 'map' then
                                   (select jsonb_agg(t.output order by t.task_index)
                                      from pgflow.step_tasks as t
                                     where t.run_id = ss.run_id and t.step_slug = ss.step_slug)
                                 else k.output
                               end
        -- Each step found first through its primary key (a lateral subquery
        -- the planner may not flatten: offset 0), then updated by its tuple
        -- id, so that no plan reads other steps whatever the statistics said
        -- when it was made (see _settle_completed_steps: "Keys"). No other
        -- transaction changes them meanwhile (the caller holds their runs'
        -- locks); the count below makes sure.
        from counts as k
       cross join lateral (select x.ctid from pgflow.step_states as x
                            where x.run_id = k.run_id and x.step_slug = k.step_slug offset 0) as kk
        join pgflow.steps as s on s.flow_slug = k.flow_slug and s.step_slug = k.step_slug
       where ss.ctid = kk.ctid
      returning ss.run_id, ss.step_slug, ss.status
    )
    select array_agg(d.run_id order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           array_agg(d.step_slug order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           count(*)::integer = (select count(*) from (select distinct c.run_id, c.step_slug from unnest(v_completed) as c) as x)
      into v_done_runs, v_done_steps, v_all
      from steps_done as d;
  end if;
  if not v_all then
    raise exception using
      errcode = 'internal_error',
      message = 'complete_tasks: a step of the batch changed under it',
      hint    = 'This is a bug in pgflow: the run locks should keep the steps still. Retry the call.';
  end if;

  if v_done_runs is not null then
    perform pgflow._cascade(array(select distinct r from unnest(v_done_runs) as r order by r),
                            array(select distinct c.flow_slug from unnest(v_completed) as c),
                            v_done_runs, v_done_steps);
  end if;

  return query select * from unnest(v_completed);
end;
$$;
