
-- _queue_ready_steps( run_ids, started )
-- Starts every step of the runs whose dependencies are all met and that has
-- tasks, and queues the tasks of those and of the steps the caller marked
-- started already (their rows as updated, see _settle_completed_steps): one
-- task per step (single) or per array element
-- (map), each with its pgmq message, sent after the step's start_delay. One
-- send_batch per flow and distinct delay, however many runs and steps. A
-- paused run queues nothing (resume_run queues what became ready). The caller
-- holds the runs' locks.
--
-- Waking the workers (_wake_workers). A batch sent with no delay wakes the
-- flow's workers, unless one of the first visible messages of the queue was
-- announced already: sent with no delay while pgflow.wake was on. Such a
-- message is marked with the pgmq header {"announced": true}; messages
-- queued with pgflow.wake off or with a start delay carry no header. Why:
-- a notifying transaction holds a cluster-wide lock through its commit (see
-- _wake_workers), so with one completion per transaction (complete_task) at
-- 4 workers every commit that queued a task waited for the one before it,
-- and the per-task protocol ran at about half of upstream's tasks/s. An
-- announced message still visible means no worker has read it yet: the
-- workers were woken for it, and a woken worker reads its queue again as
-- long as its reads come back full (the TypeScript worker does), so it
-- finds the new batch with that message. So a busy queue, where the cost
-- was paid on every commit, is not told again; an idle queue, or one that
-- holds only messages nobody was told of, wakes its workers at once, as
-- before. The worst case, a worker that read the announced message just
-- before this batch committed and found no more, finds it at its next read
-- or fallback poll, as it does a task queued with pgflow.wake off. Only the
-- first 8 visible messages are looked at, so that the check costs the same
-- on any backlog (a longer one of unannounced messages wakes, as before).
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
  v_wake   boolean;
  v_told   boolean;
  v_idle   boolean;
  v_mode   text := lower(coalesce(nullif(current_setting('pgflow.wake', true), ''), 'on'));
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
    -- Announced when visible at once with pgflow.wake on; the workers are
    -- woken unless an announced message is still visible (see above). A bad
    -- pgflow.wake value is left to _wake_workers, which raises.
    v_told := v_delay = 0 and v_mode in ('on', 'true', '1');
    v_wake := v_delay = 0 and v_mode not in ('off', 'false', '0');
    -- The messages go into the flow's queue table with one statement, as
    -- pgmq's send_batch writes them (pgmq.q_<queue>: vt, message, headers;
    -- msg_id, read_ct and enqueued_at take their defaults; pgmq's triggers,
    -- such as its notify on insert, fire as they do for send_batch). Not
    -- through send_batch itself: its three layers of functions (one in SQL,
    -- planned again on every call) and its queue name check cost more than
    -- the insert, on every task queued; the check for an announced message
    -- shares the statement. Within one insert the identity hands out ids in
    -- the order the rows come (the ordinality): sorted ids pair up with the
    -- tasks in the order they were sent. The time the check looks up to is
    -- a parameter ($8), not clock_timestamp() in the query: a volatile call
    -- cannot bound an index scan, and the scan over vt then read every
    -- message of the queue that is leased (vt ahead) before giving up.
    execute format(
      $sql$
      with sent as (
        insert into pgmq.%1$I (vt, message, headers)
        select clock_timestamp() + make_interval(secs => $5),
               jsonb_build_object('flow_slug', $1, 'run_id', u.r, 'step_slug', u.s, 'task_index', u.i), $6
          from unnest($2::uuid[], $3::text[], $4::integer[]) with ordinality as u(r, s, i, n)
         order by u.n
        returning msg_id
      )
      select array(select s.msg_id from sent as s order by s.msg_id),
             $7 and not exists (select from (select m.headers from pgmq.%1$I as m
                                              where m.vt <= $8
                                              order by m.vt limit 8) as v
                                 where v.headers @> '{"announced": true}')
      $sql$,
      'q_' || lower(v_flow))
      into v_ids, v_idle
      using v_flow, v_r, v_s, v_i, v_delay, case when v_told then '{"announced": true}'::jsonb end, v_told,
            clock_timestamp();
    if v_told then
      v_wake := v_idle;
    end if;
    insert into pgflow.step_tasks (flow_slug, run_id, step_slug, task_index, message_id)
    select v_flow, u.r, u.s, u.i, u.id
      from unnest(v_r, v_s, v_i, v_ids) as u(r, s, i, id);
    -- Visible now: wake the flow's workers (a delayed batch waits for their poll).
    if v_wake then
      perform pgflow._wake_workers(v_flow);
    end if;
  end loop;
end;
$$;
