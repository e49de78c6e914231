
-- _complete_one_task( run, step_slug, task_index, output )
-- complete_task's path for the common case, one task of a single step in a
-- flow without maps that depend on other steps, signal steps or conditions,
-- while no event is wanted: what _complete_tasks and _cascade do for a batch,
-- written for one row at a time. Returns null when the case is not this one
-- (nothing changed: the caller takes the general path); otherwise an array
-- of the completed task, empty when the task is not started (or its run is
-- not running nor paused), and then nothing changed. An unknown task is an
-- error. The caller holds the run's lock (run is its row, locked) and is
-- authorized.
--
-- Why a path of its own: one complete_task per task is what psql, workers in
-- other languages and upstream's worker do, and the general path pays for
-- batches there (arrays, a DISTINCT ON of one row, the stages of the cascade
-- for maps, signals and conditions, each a statement). And every statement
-- here finds its rows by equality on a whole primary key (or on run_id and the
-- flow's dependency list), so its plan is the key's index in every session:
-- generic plans made while the tables were small (just created, truncated
-- or analyzed empty) keep reading by key when they have grown.
create function pgflow._complete_one_task(run pgflow.runs, step_slug text, task_index integer, output jsonb)
returns pgflow.step_tasks[]
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now     timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_fast    boolean;
  v_done    pgflow.step_tasks[];
  v_task    pgflow.step_tasks;
  v_left    integer;
  v_started pgflow.step_states[];
  v_delayed boolean;
  v_mode    text;
  v_told    boolean;
  v_idle    boolean;
  v_ids     bigint[];
begin
  select s.step_type = 'single'
         and not exists (select from pgflow.steps as o
                          where o.flow_slug = s.flow_slug
                            and (o.step_type = 'signal' or (o.step_type = 'map' and o.deps_count > 0)
                                 or o.run_if is not null or o.run_unless is not null))
    into v_fast
    from pgflow.steps as s
   where s.flow_slug = (_complete_one_task.run).flow_slug and s.step_slug = _complete_one_task.step_slug;
  if not coalesce(v_fast, false) or pgflow._events_wanted() then
    return null;
  end if;

  if (_complete_one_task.run).status in ('completed', 'failed', 'cancelled') then
    perform pgflow._assert_task_exists((_complete_one_task.run).run_id, (_complete_one_task.run).flow_slug,
                                       _complete_one_task.step_slug, _complete_one_task.task_index);
    return '{}'::pgflow.step_tasks[];
  end if;

  -- One statement: the task, its step (a single step has one task: it
  -- completes), the dependents (remaining_deps; one that becomes ready in a
  -- run that is not paused is started at once) and the run's
  -- remaining_steps; none of them when the task is not started.
  with done as (
    update pgflow.step_tasks as t
       set status = 'completed', completed_at = now(), output = _complete_one_task.output
     where t.run_id = (_complete_one_task.run).run_id and t.step_slug = _complete_one_task.step_slug
       and t.task_index = _complete_one_task.task_index
       and t.status = 'started'
    returning t as task, t.run_id, t.flow_slug, t.step_slug
  ), steps as (
    update pgflow.step_states as ss
       set remaining_tasks = case when c.self then 0 when c.start_now then ss.initial_tasks else ss.remaining_tasks end,
           remaining_deps  = case when c.self then ss.remaining_deps else ss.remaining_deps - 1 end,
           status          = case when c.self then 'completed' when c.start_now then 'started' else ss.status end,
           started_at      = case when c.start_now then v_now else ss.started_at end,
           completed_at    = case when c.self then v_now else ss.completed_at end,
           output          = case when c.self then _complete_one_task.output else ss.output end
      from (select ss2.step_slug, ss2.step_slug = _complete_one_task.step_slug as self,
                   ss2.step_slug <> _complete_one_task.step_slug
                     and (_complete_one_task.run).status = 'started' and ss2.status = 'created'
                     and ss2.remaining_deps = 1 and ss2.initial_tasks > 0 as start_now,
                   st.step_index, coalesce(st.opt_start_delay, 0) > 0 as delayed
              from done as d
              join pgflow.step_states as ss2
                on ss2.run_id = (_complete_one_task.run).run_id
               and ss2.step_slug = any(array[d.step_slug]
                                       || array(select dp.step_slug from pgflow.deps as dp
                                                 where dp.flow_slug = d.flow_slug and dp.dep_slug = d.step_slug))
              join pgflow.steps as st on st.flow_slug = d.flow_slug and st.step_slug = ss2.step_slug) as c
     where ss.run_id = (_complete_one_task.run).run_id and ss.step_slug = c.step_slug
    returning ss, c.start_now, c.step_index, c.delayed
  ), run as (
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - 1
     where r.run_id = (_complete_one_task.run).run_id
       and exists (select from done)
    returning r.remaining_steps
  )
  select (select array_agg(d.task) from done as d),
         (select array_agg(st.ss order by st.step_index) filter (where st.start_now) from steps as st),
         (select coalesce(bool_or(st.delayed) filter (where st.start_now), false) from steps as st),
         (select r.remaining_steps from run as r)
    into v_done, v_started, v_delayed, v_left;

  if v_done is null then
    perform pgflow._assert_task_exists((_complete_one_task.run).run_id, (_complete_one_task.run).flow_slug,
                                       _complete_one_task.step_slug, _complete_one_task.task_index);
    return '{}'::pgflow.step_tasks[];
  end if;
  v_task := v_done[1];
  if v_delayed then
    -- a dependent waits for its start delay: _queue_ready_steps knows how
    if v_task.message_id is not null then
      perform pgmq.archive(v_task.flow_slug, v_task.message_id);
    end if;
    perform pgflow._queue_ready_steps('{}'::uuid[], v_started);
  else
    -- The task's message archived and the started dependents' messages
    -- sent, in one statement on the flow's queue: what pgmq.archive and
    -- _queue_ready_steps do (read their reasons there), without a plan and
    -- three layers of functions each. A dependent is a single step here:
    -- one task, task_index 0; its message is announced and the workers are
    -- woken as _queue_ready_steps does.
    v_mode := lower(coalesce(nullif(current_setting('pgflow.wake', true), ''), 'on'));
    v_told := v_started is not null and v_mode in ('on', 'true', '1');
    execute format(
      $sql$
      with archived as (
        delete from pgmq.%1$I as q where q.msg_id = $1
        returning q.*
      ), kept as (
        -- every column the queue has (pgmq 1.8.1 added last_read_at), as
        -- pgmq.archive copies them, and the time of archiving
        insert into pgmq.%2$I
        select (pg_catalog.jsonb_populate_record(null::pgmq.%2$I,
                  pg_catalog.to_jsonb(a) || pg_catalog.jsonb_build_object('archived_at', pg_catalog.now()))).*
          from archived as a
      ), sent as (
        insert into pgmq.%1$I (vt, message, headers)
        select clock_timestamp(),
               jsonb_build_object('flow_slug', $2, 'run_id', $3, 'step_slug', u.s, 'task_index', 0), $5
          from unnest($4::text[]) with ordinality as u(s, n)
         order by u.n
        returning msg_id
      )
      select array(select s.msg_id from sent as s order by s.msg_id),
             $6 and not exists (select from (select m.headers from pgmq.%1$I as m
                                              where m.vt <= $7
                                              order by m.vt limit 8) as v
                                 where v.headers @> '{"announced": true}')
      $sql$,
      'q_' || lower(v_task.flow_slug), 'a_' || lower(v_task.flow_slug))
      into v_ids, v_idle
      using v_task.message_id, v_task.flow_slug, v_task.run_id,
            array(select u.step_slug from unnest(v_started) as u),
            case when v_told then '{"announced": true}'::jsonb end, v_told, clock_timestamp();
    if v_started is not null then
      insert into pgflow.step_tasks (flow_slug, run_id, step_slug, task_index, message_id)
      select v_task.flow_slug, v_task.run_id, u.s, 0, u.id
        from unnest(array(select u.step_slug from unnest(v_started) as u), v_ids) as u(s, id);
      if v_mode not in ('off', 'false', '0') and (not v_told or v_idle) then
        perform pgflow._wake_workers(v_task.flow_slug);
      end if;
    end if;
  end if;
  if v_left = 0 then
    perform pgflow._complete_runs_if_done(array[v_task.run_id]);
  end if;
  return v_done;
end;
$$;
