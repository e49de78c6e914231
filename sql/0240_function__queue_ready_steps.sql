
-- _queue_ready_steps( run_id, flow_slug )
-- Starts every step of the run whose dependencies are all met and that has
-- tasks: one task per step (single) or per array element (map), each with its
-- pgmq message, sent after the step's start_delay. One send_batch per distinct
-- delay. A paused run queues nothing (resume_run queues what became ready).
-- The caller holds the run's lock.
create function pgflow._queue_ready_steps(run_id uuid, flow_slug text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_ready   text[];
  v_counts  integer[];
  v_steps   text[];
  v_indexes integer[];
  v_delays  integer[];
  v_delay   integer;
  v_s       text[];
  v_i       integer[];
  v_ids     bigint[];
begin
  -- cancel: pause_run holds new work; resume_run cascades again.
  if exists (select from pgflow.runs as r where r.run_id = _queue_ready_steps.run_id and r.status = 'paused') then
    return;
  end if;

  with ready as (
    update pgflow.step_states as ss
       set status = 'started', started_at = now(), remaining_tasks = ss.initial_tasks
     where ss.run_id = _queue_ready_steps.run_id
       and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks > 0
    returning ss.step_slug, ss.initial_tasks
  )
  select array_agg(r.step_slug), array_agg(r.initial_tasks) into v_ready, v_counts from ready as r;

  if v_ready is null then
    return;
  end if;

  perform pgflow._emit_event(_queue_ready_steps.flow_slug, _queue_ready_steps.run_id, 'step:started',
            jsonb_build_object('step_slug', u.s, 'status', 'started',
                               'started_at', now(), 'remaining_tasks', u.n))
     from unnest(v_ready, v_counts) as u(s, n);

  select array_agg(u.s order by st.step_index, i),
         array_agg(i order by st.step_index, i),
         array_agg(coalesce(st.opt_start_delay, 0) order by st.step_index, i)
    into v_steps, v_indexes, v_delays
    from unnest(v_ready, v_counts) as u(s, n)
    join pgflow.steps as st on st.flow_slug = _queue_ready_steps.flow_slug and st.step_slug = u.s
   cross join lateral generate_series(0, u.n - 1) as i;

  for v_delay in select distinct d from unnest(v_delays) as d loop
    select array_agg(u.s order by u.n), array_agg(u.i order by u.n)
      into v_s, v_i
      from unnest(v_steps, v_indexes, v_delays) with ordinality as u(s, i, d, n)
     where u.d = v_delay;
    -- Within one insert, pgmq's identity hands out ids in array order: sorted
    -- ids pair up with the messages in the order they were sent.
    v_ids := array(
      select id
        from pgmq.send_batch(
               _queue_ready_steps.flow_slug,
               array(select jsonb_build_object('flow_slug', _queue_ready_steps.flow_slug,
                                               'run_id', _queue_ready_steps.run_id,
                                               'step_slug', u.s, 'task_index', u.i)
                       from unnest(v_s, v_i) with ordinality as u(s, i, n)
                      order by u.n),
               v_delay) as id
       order by id);
    insert into pgflow.step_tasks (flow_slug, run_id, step_slug, task_index, message_id)
    select _queue_ready_steps.flow_slug, _queue_ready_steps.run_id, u.s, u.i, u.id
      from unnest(v_s, v_i, v_ids) as u(s, i, id);
  end loop;
end;
$$;
