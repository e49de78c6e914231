
-- _queue_ready_steps( run_ids, started )
-- Starts every step of the runs whose dependencies are all met and that has
-- tasks, and queues the tasks of those and of the steps the caller marked
-- started already (their rows as updated, see _settle_completed_steps): one
-- task per step (single) or per array element
-- (map), each with its pgmq message, sent after the step's start_delay. One
-- send_batch per flow and distinct delay, however many runs and steps; a
-- batch sent with no delay wakes the flow's workers (_wake_workers). A
-- paused run queues nothing (resume_run queues what became ready). The caller
-- holds the runs' locks.
create function pgflow._queue_ready_steps(run_ids uuid[], started pgflow.step_states[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flows  text[];
  v_runs   uuid[];
  v_steps  text[];
  v_counts integer[];
  v_flow   text;
  v_delay  integer;
  v_r      uuid[];
  v_s      text[];
  v_i      integer[];
  v_ids    bigint[];
begin
  with ready as (
    update pgflow.step_states as ss
       set status = 'started', started_at = now(), remaining_tasks = ss.initial_tasks
      from pgflow.runs as r
     where ss.run_id = any(_queue_ready_steps.run_ids)
       and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks > 0
       and r.run_id = ss.run_id
       and r.status <> 'paused' -- cancel: pause_run holds new work; resume_run cascades again
    returning ss.flow_slug, ss.run_id, ss.step_slug, ss.initial_tasks
  ), all_started as (
    select r.flow_slug, r.run_id, r.step_slug, r.initial_tasks from ready as r
    union all
    select u.flow_slug, u.run_id, u.step_slug, u.initial_tasks from unnest(_queue_ready_steps.started) as u
  )
  select array_agg(r.flow_slug), array_agg(r.run_id), array_agg(r.step_slug), array_agg(r.initial_tasks)
    into v_flows, v_runs, v_steps, v_counts
    from all_started as r;

  if v_runs is null then
    return;
  end if;

  if pgflow._events_wanted() then
    perform pgflow._emit_event(u.f, u.r, 'step:started',
              jsonb_build_object('step_slug', u.s, 'status', 'started',
                                 'started_at', now(), 'remaining_tasks', u.n))
       from unnest(v_flows, v_runs, v_steps, v_counts) as u(f, r, s, n)
       join pgflow.steps as st on st.flow_slug = u.f and st.step_slug = u.s
      order by u.r, st.step_index;
  end if;

  -- Tasks in the order of their runs, then of the flow's steps, then of their index.
  for v_flow, v_delay, v_r, v_s, v_i in
    select st.flow_slug, coalesce(st.opt_start_delay, 0),
           array_agg(u.r order by u.r, st.step_index, i),
           array_agg(u.s order by u.r, st.step_index, i),
           array_agg(i order by u.r, st.step_index, i)
      from unnest(v_flows, v_runs, v_steps, v_counts) as u(f, r, s, n)
      join pgflow.steps as st on st.flow_slug = u.f and st.step_slug = u.s
     cross join lateral generate_series(0, u.n - 1) as i
     where st.step_type <> 'signal' -- no task: it waits for send_signal (_cascade applies a kept one)
     group by st.flow_slug, coalesce(st.opt_start_delay, 0)
     order by st.flow_slug, coalesce(st.opt_start_delay, 0)
  loop
    -- Within one insert, pgmq's identity hands out ids in array order: sorted
    -- ids pair up with the messages in the order they were sent.
    v_ids := array(
      select id
        from pgmq.send_batch(
               v_flow,
               array(select jsonb_build_object('flow_slug', v_flow, 'run_id', u.r,
                                               'step_slug', u.s, 'task_index', u.i)
                       from unnest(v_r, v_s, v_i) with ordinality as u(r, s, i, n)
                      order by u.n),
               v_delay) as id
       order by id);
    insert into pgflow.step_tasks (flow_slug, run_id, step_slug, task_index, message_id)
    select v_flow, u.r, u.s, u.i, u.id
      from unnest(v_r, v_s, v_i, v_ids) as u(r, s, i, id);
    -- Visible now: wake the flow's workers (a delayed batch waits for their poll).
    if v_delay = 0 then
      perform pgflow._wake_workers(v_flow);
    end if;
  end loop;
end;
$$;
