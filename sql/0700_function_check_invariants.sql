
-- check_invariants( run_id )
-- Checks the engine's invariants over every run (or the one run given) and
-- returns one row per violation: the run, the invariant's name and what was
-- found. No row means all is consistent. Each invariant is one branch of the
-- union below, named in its first column; statuses an invariant does not know
-- are left alone rather than reported. It reads the flows' queues too, so
-- call it when no worker is busy (or in a repeatable read transaction) to
-- compare a consistent picture. An unknown run_id is reported as run_exists.
-- Timestamps are each transaction's now(), which need not follow commit
-- order, so no invariant compares them across rows.
--
-- Linear in the rows checked: every count an invariant compares with
-- is computed once, grouped by run or by step (rc, dc, tc below), and joined
-- to the rows by key, and the joins are hash joins (enable_nestloop off). A
-- materialized CTE has no statistics, so the planner guessed one row for its
-- filtered scans and picked nested loops that read a whole CTE once per row:
-- 0.2.6 took 24 s for 9 runs with 102k tasks, and 64 s for one of those runs
-- (every open task looked its message up in the whole queue). Step states
-- and tasks are read by run_id (an orphan, which the branches below report,
-- is found when all runs are checked), so one run is read through the
-- primary keys, and of its
-- flow's queue only its own messages; plan_cache_mode keeps that so after
-- the whole database was checked five times.
create function pgflow._check_invariants(for_run uuid)
returns table (run_id uuid, invariant text, detail text)
language plpgsql
stable
set search_path = ''
set enable_nestloop = off
set plan_cache_mode = force_custom_plan
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (it reads the queues with dynamic queries)
declare
  v_flow      text;
  v_ids       bigint[];
  v_q_flows   text[]   := '{}'::text[];
  v_q_ids     bigint[] := '{}'::bigint[];
  v_q_held    boolean[] := '{}'::boolean[];
  v_held      boolean[];
  v_run_msgs  bigint[];
begin
  if _check_invariants.for_run is not null
     and not exists (select from pgflow.runs as r where r.run_id = _check_invariants.for_run) then
    return query select _check_invariants.for_run, 'run_exists'::text,
                        format('run %s does not exist', _check_invariants.for_run);
    return;
  end if;

  -- the message ids in each involved flow's queue (not the archive); for one
  -- run, only those of its tasks (the only ones its invariants look up)
  if _check_invariants.for_run is not null then
    v_run_msgs := array(select t.message_id from pgflow.step_tasks as t
                         where t.run_id = _check_invariants.for_run and t.message_id is not null);
  end if;
  for v_flow in
    select distinct r.flow_slug from pgflow.runs as r
     where _check_invariants.for_run is null or r.run_id = _check_invariants.for_run
  loop
    continue when to_regclass(format('pgmq.%I', 'q_' || lower(v_flow))) is null;
    execute format('select coalesce(array_agg(q.msg_id order by q.msg_id), ''{}''),
                           coalesce(array_agg(q.vt = ''infinity'' order by q.msg_id), ''{}'')
                      from pgmq.%I as q
                     where $1 is null or q.msg_id = any($1)', 'q_' || lower(v_flow))
      into v_ids, v_held
      using v_run_msgs;
    v_q_flows := v_q_flows || array_fill(v_flow, array[cardinality(v_ids)]);
    v_q_ids := v_q_ids || v_ids;
    v_q_held := v_q_held || v_held;
  end loop;

  return query
  with r as (
    select * from pgflow.runs as r
     where _check_invariants.for_run is null or r.run_id = _check_invariants.for_run
  ), ss as (
    -- is_signal: a signal step, which has no task (send_signal completes it)
    select ss.*, s.step_type = 'signal' as is_signal
      from pgflow.step_states as ss
      left join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
     where _check_invariants.for_run is null or ss.run_id = _check_invariants.for_run
  ), sg as (
    select sg.* from pgflow.signals as sg
     where _check_invariants.for_run is null or sg.run_id = _check_invariants.for_run
  ), t as (
    select t.* from pgflow.step_tasks as t
     where _check_invariants.for_run is null or t.run_id = _check_invariants.for_run
  ), q as (
    select u.flow_slug, u.msg_id, u.held from unnest(v_q_flows, v_q_ids, v_q_held) as u(flow_slug, msg_id, held)
  ), rc as (
    -- per run: its steps still to finish
    select ss.run_id, count(*) as n from ss where ss.status in ('created', 'started') group by ss.run_id
  ), dc as (
    -- per step: its dependencies still to finish
    select s2.run_id, s2.step_slug, count(*) as n
      from ss as s2
      join pgflow.deps as d on d.flow_slug = s2.flow_slug and d.step_slug = s2.step_slug
      join ss as dep on dep.run_id = s2.run_id and dep.step_slug = d.dep_slug
     where dep.status in ('created', 'started')
     group by s2.run_id, s2.step_slug
  ), tc as (
    -- per step: its tasks, and those still open
    select t.run_id, t.step_slug, count(*) as n, count(*) filter (where t.status in ('queued', 'started')) as open
      from t group by t.run_id, t.step_slug
  )
  -- a running, paused or completed run counts the steps still to finish
  -- (a skipped step settles like a completed one)
  select r.run_id, 'run_remaining_steps'::text,
         format('remaining_steps is %s but %s steps are created or started', r.remaining_steps, coalesce(rc.n, 0))
    from r
    left join rc on rc.run_id = r.run_id
   where r.status in ('started', 'paused', 'completed') and coalesce(rc.n, 0) <> r.remaining_steps
  union all
  -- a completed run has only completed steps
  select r.run_id, 'completed_run_has_completed_steps',
         format('run is completed but step %s is %s', ss.step_slug, ss.status)
    from r join ss on ss.run_id = r.run_id
   where r.status = 'completed' and ss.status in ('created', 'started', 'failed', 'cancelled')
  union all
  -- a completed run has its output
  select r.run_id, 'completed_run_has_output', 'run is completed but its output is null'
    from r
   where r.status = 'completed' and r.output is null
  union all
  -- a failed run failed because a step failed
  select r.run_id, 'failed_run_has_failed_step', 'run is failed but no step failed'
    from r
   where r.status = 'failed'
     and not exists (select from ss where ss.run_id = r.run_id and ss.status = 'failed')
  union all
  -- a running run has no failed step (the first failure fails the run)
  select r.run_id, 'started_run_has_no_failed_step',
         format('step %s is failed while the run is started', ss.step_slug)
    from r join ss on ss.run_id = r.run_id
   where r.status in ('started', 'paused') and ss.status = 'failed'
  union all
  -- a step of a running run waits for exactly its unfinished dependencies
  select r.run_id, 'step_remaining_deps',
         format('step %s has remaining_deps %s but %s dependencies are created or started',
                ss.step_slug, ss.remaining_deps, coalesce(dc.n, 0))
    from r join ss on ss.run_id = r.run_id
    left join dc on dc.run_id = ss.run_id and dc.step_slug = ss.step_slug
   where r.status in ('started', 'paused') and ss.status in ('created', 'started', 'completed')
     and ss.remaining_deps <> coalesce(dc.n, 0)
  union all
  -- a started or completed step counts its open tasks
  select ss.run_id, 'step_remaining_tasks',
         format('step %s (%s) has remaining_tasks %s but %s tasks are queued or started',
                ss.step_slug, ss.status, ss.remaining_tasks, coalesce(tc.open, 0))
    from ss
    left join tc on tc.run_id = ss.run_id and tc.step_slug = ss.step_slug
   where ss.status in ('started', 'completed') and ss.is_signal is not true
     and ss.remaining_tasks is distinct from coalesce(tc.open, 0)
  union all
  -- a started or completed step has initial_tasks tasks, a created or skipped
  -- step none (but one skipped by when_exhausted, whose tasks ran)
  select ss.run_id, 'step_task_count',
         format('step %s (%s) has %s tasks, initial_tasks %s', ss.step_slug, ss.status, coalesce(tc.n, 0),
                ss.initial_tasks)
    from ss
    left join tc on tc.run_id = ss.run_id and tc.step_slug = ss.step_slug
   where (ss.status in ('started', 'completed') and ss.is_signal is not true
          and coalesce(tc.n, 0) is distinct from ss.initial_tasks::bigint)
      or ((ss.status = 'created' or (ss.status = 'skipped' and ss.skip_reason <> 'exhausted')) and coalesce(tc.n, 0) <> 0)
  union all
  -- a signal step has no task; waiting (started), it counts its signal as
  -- its one remaining task
  select ss.run_id, 'signal_step_has_no_task',
         format('signal step %s (%s) has %s tasks and remaining_tasks %s', ss.step_slug, ss.status,
                coalesce(tc.n, 0), ss.remaining_tasks)
    from ss
    left join tc on tc.run_id = ss.run_id and tc.step_slug = ss.step_slug
   where ss.is_signal
     and (coalesce(tc.n, 0) <> 0 or (ss.status = 'started' and ss.remaining_tasks is distinct from 1))
  union all
  -- a signal step of a running run that got its signal no longer waits
  select ss.run_id, 'signalled_step_does_not_wait',
         format('signal step %s is started but its signal came at %s', ss.step_slug, sg.received_at)
    from r
    join ss on ss.run_id = r.run_id
    join sg on sg.run_id = ss.run_id and sg.step_slug = ss.step_slug
   where r.status = 'started' and ss.status = 'started' and ss.is_signal
  union all
  -- a completed signal step's output is its signal's payload
  select ss.run_id, 'signal_step_output_is_payload',
         format('signal step %s is completed %s', ss.step_slug,
                case when sg.run_id is null then 'with no signal' else 'with another output than its signal''s payload' end)
    from ss
    left join sg on sg.run_id = ss.run_id and sg.step_slug = ss.step_slug
   where ss.is_signal and ss.status = 'completed' and ss.output is distinct from sg.payload
  union all
  -- a signal belongs to a signal step of its run
  select sg.run_id, 'signal_has_signal_step',
         format('signal for step %s of flow %s, which is no signal step of the run', sg.step_slug, sg.flow_slug)
    from sg
   where not exists (select from ss where ss.run_id = sg.run_id and ss.step_slug = sg.step_slug
                                      and ss.flow_slug = sg.flow_slug and ss.is_signal)
  union all
  -- a completed step has every one of its tasks completed
  select ss.run_id, 'completed_step_has_completed_tasks',
         format('step %s is completed but task %s is %s', ss.step_slug, t.task_index, t.status)
    from ss join t on t.run_id = ss.run_id and t.step_slug = ss.step_slug
   where ss.status = 'completed' and t.status <> 'completed'
  union all
  -- a completed map step's output has one element per task
  select ss.run_id, 'map_output_length',
         format('map step %s has %s output elements but initial_tasks %s', ss.step_slug,
                case when jsonb_typeof(ss.output) = 'array' then jsonb_array_length(ss.output)::text
                     else jsonb_typeof(ss.output) end,
                ss.initial_tasks)
    from ss join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
   where ss.status = 'completed' and s.step_type = 'map'
     and (jsonb_typeof(ss.output) is distinct from 'array' or jsonb_array_length(ss.output) <> ss.initial_tasks)
  union all
  -- every task has its message
  select t.run_id, 'task_has_message_id',
         format('task %s/%s has no message id', t.step_slug, t.task_index)
    from t
   where t.message_id is null
  union all
  -- a queued or started task of a running run has its message in the queue
  select t.run_id, 'open_task_has_message',
         format('task %s/%s is %s but its message %s is not in the queue', t.step_slug, t.task_index, t.status, t.message_id)
    from t join r on r.run_id = t.run_id
   where r.status in ('started', 'paused') and t.status in ('queued', 'started')
     and not exists (select from q where q.flow_slug = t.flow_slug and q.msg_id = t.message_id)
  union all
  -- a finished task, or a task of a finished run, has no message in the queue
  select t.run_id, 'finished_task_has_no_message',
         format('task %s/%s is %s (run %s) but its message %s is still in the queue',
                t.step_slug, t.task_index, t.status, r.status, t.message_id)
    from t join r on r.run_id = t.run_id
   where (t.status in ('completed', 'failed', 'cancelled') or r.status in ('completed', 'failed', 'cancelled'))
     and exists (select from q where q.flow_slug = t.flow_slug and q.msg_id = t.message_id)
  union all
  -- only a paused run's messages are held (visible at 'infinity')
  select t.run_id, 'held_message_only_while_paused',
         format('task %s/%s of a %s run has a held message %s', t.step_slug, t.task_index, r.status, t.message_id)
    from t join r on r.run_id = t.run_id
   where r.status <> 'paused'
     and exists (select from q where q.flow_slug = t.flow_slug and q.msg_id = t.message_id and q.held)
  union all
  -- a skipped step, and only a skipped step, has skipped_at and a skip_reason
  select ss.run_id, 'skipped_step_has_reason',
         format('step %s is %s with skip_reason %s', ss.step_slug, ss.status, coalesce(ss.skip_reason, 'NULL'))
    from ss
   where (ss.status = 'skipped') <> (ss.skip_reason is not null and ss.skipped_at is not null)
  union all
  -- a step skipped by when_exhausted has no open task left (none runs on)
  select ss.run_id, 'exhausted_step_has_no_open_task',
         format('step %s was skipped by when_exhausted but %s of its tasks are queued or started', ss.step_slug, tc.open)
    from ss
    join tc on tc.run_id = ss.run_id and tc.step_slug = ss.step_slug
   where ss.status = 'skipped' and ss.skip_reason = 'exhausted' and tc.open > 0
  union all
  -- a map step never runs over a skipped dependency (it has no array)
  select ss.run_id, 'map_over_skipped_dependency',
         format('map step %s is %s but its dependency %s was skipped', ss.step_slug, ss.status, d.dep_slug)
    from ss
    join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
    join pgflow.deps as d on d.flow_slug = ss.flow_slug and d.step_slug = ss.step_slug
    join ss as dep on dep.run_id = ss.run_id and dep.step_slug = d.dep_slug
   where s.step_type = 'map' and dep.status = 'skipped' and ss.status in ('started', 'completed')
  union all
  -- a cancelled run has no open step or task left
  select ss.run_id, 'cancelled_run_has_no_open_step',
         format('run is cancelled but step %s is still %s', ss.step_slug, ss.status)
    from r join ss on ss.run_id = r.run_id
   where r.status = 'cancelled' and ss.status in ('created', 'started')
  union all
  select t.run_id, 'cancelled_run_has_no_open_task',
         format('run is cancelled but task %s/%s is still %s', t.step_slug, t.task_index, t.status)
    from r join t on t.run_id = r.run_id
   where r.status = 'cancelled' and t.status in ('queued', 'started')
  union all
  -- cancelled steps and tasks belong to cancelled runs, cancelled tasks to cancelled steps
  select ss.run_id, 'cancelled_step_in_cancelled_run',
         format('step %s is cancelled but the run is %s', ss.step_slug, r.status)
    from r join ss on ss.run_id = r.run_id
   where ss.status = 'cancelled' and r.status <> 'cancelled'
  union all
  select t.run_id, 'cancelled_task_in_cancelled_step',
         format('task %s/%s is cancelled but its step is %s (run %s)', t.step_slug, t.task_index, ss.status, r.status)
    from t
    join ss on ss.run_id = t.run_id and ss.step_slug = t.step_slug
    join r on r.run_id = t.run_id
   where t.status = 'cancelled' and (ss.status <> 'cancelled' or r.status <> 'cancelled')
  union all
  -- every row has its parent: there are no foreign keys between pgflow's
  -- tables (they would lose rows in a parallel restore; see the tables), so
  -- the references are checked here
  select r.run_id, 'run_has_flow', format('run of flow %s, which does not exist', r.flow_slug)
    from r
   where not exists (select from pgflow.flows as f where f.flow_slug = r.flow_slug)
  union all
  select ss.run_id, 'step_state_has_run',
         format('step %s of flow %s belongs to no run of that flow', ss.step_slug, ss.flow_slug)
    from ss
   where not exists (select from r where r.run_id = ss.run_id and r.flow_slug = ss.flow_slug)
  union all
  select ss.run_id, 'step_state_has_step',
         format('step %s of flow %s does not exist', ss.step_slug, ss.flow_slug)
    from ss
   where not exists (select from pgflow.steps as s where s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug)
  union all
  select t.run_id, 'task_has_step_state',
         format('task %s/%s belongs to no step state of its run', t.step_slug, t.task_index)
    from t
   where not exists (select from ss where ss.run_id = t.run_id and ss.step_slug = t.step_slug
                                      and ss.flow_slug = t.flow_slug)
  union all
  select null::uuid, 'step_has_flow', format('step %s of flow %s, which does not exist', s.step_slug, s.flow_slug)
    from pgflow.steps as s
   where _check_invariants.for_run is null
     and not exists (select from pgflow.flows as f where f.flow_slug = s.flow_slug)
  union all
  select null::uuid, 'dep_has_steps', format('dependency %s -> %s of flow %s names a step that does not exist',
                                             d.dep_slug, d.step_slug, d.flow_slug)
    from pgflow.deps as d
   where _check_invariants.for_run is null
     and (not exists (select from pgflow.steps as s where s.flow_slug = d.flow_slug and s.step_slug = d.dep_slug)
          or not exists (select from pgflow.steps as s where s.flow_slug = d.flow_slug and s.step_slug = d.step_slug))
  union all
  -- a message belongs to one task only
  select t.run_id, 'message_has_one_task',
         format('message %s of flow %s belongs to %s tasks', t.message_id, t.flow_slug, count(*))
    from t
   where t.message_id is not null
   group by t.run_id, t.flow_slug, t.message_id
  having count(*) > 1;
end;
$$;


-- The API face of _check_invariants (a PL/pgSQL function cannot name a
-- parameter and a result column alike).
create function pgflow.check_invariants(run_id uuid default null)
returns table (run_id uuid, invariant text, detail text)
language sql
stable
security definer
set search_path = ''
as $$
  select i.run_id, i.invariant, i.detail from pgflow._check_invariants(check_invariants.run_id) as i;
$$;

comment on function pgflow.check_invariants(uuid) is
  'returns one row per violated invariant of every run (or of one run): run_id, invariant, detail';
