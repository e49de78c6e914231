\echo Use "ALTER EXTENSION pgflow UPDATE TO '0.2.6'" to load this file. \quit
-- Changes between pgflow 0.2.5 and 0.2.6.
-- Every entry point of the hot path (start_flow, start_flows, start_tasks,
-- complete_task, complete_tasks, fail_task, resume_run) runs with
-- join_collapse_limit = 1, as start_tasks already did: each query joins in
-- the order written, from the keys it was given. Plans made while the tables
-- had been analyzed empty started settling completed steps from the flow's
-- steps and read every step_state of the flow per complete_tasks call.
-- start_tasks takes the step's timeout, type and dependency count and the
-- run's input from the rows it locks the tasks with, instead of joining the
-- steps, flows and runs again in the update that starts them.
-- Results are unchanged. create or replace keeps owners and privileges;
-- SECURITY DEFINER is set again below.

-- _cascade( run_ids, flow_slugs, done_runs, done_steps, started )
-- Drives runs forward, any number at once (runs of the flows flow_slugs):
-- after steps completed (step done_steps[i] of run done_runs[i]), or, with no
-- steps, after the runs started or resumed. started: steps the caller marked
-- started already (_start_runs' roots), whose tasks are to be queued. It settles the completed steps, skips the ready steps
-- whose condition is not met (_apply_conditions, for flows with conditions),
-- queues the steps that became ready, completes at once the maps over empty
-- arrays (which may make more steps ready: hence the loop), and completes the
-- runs with nothing left. Each stage is one statement for all the runs, so a
-- batch of tasks (complete_tasks) or of runs (start_flows) pays it once. A run
-- that fails on the way (a map over no array, an unmet 'fail' condition) is
-- driven no further. The caller holds the runs' locks.
--
-- Plans. The hot path's queries take arrays (run_id = any($1), unnest($1)).
-- For those, PostgreSQL's plan cache keeps choosing a new custom plan on every
-- call (planning then costs more than running), and a generic plan made while
-- the tables were small scans them, hash-joins them or looks runs up by status
-- long after they have grown. So the entry points (start_flow, start_flows,
-- start_tasks, complete_task, complete_tasks, fail_task, resume_run) run with
-- plan_cache_mode = force_generic_plan, and enable_seqscan, enable_hashjoin
-- and enable_mergejoin off: every query here finds its few rows by key,
-- through nested loops over the primary keys and the indexes it names. And
-- with join_collapse_limit = 1, the joins in the order written: each query
-- starts from the keys it was given. Left free, a plan made while a table
-- had been analyzed empty (its statistics say no rows, whatever its size)
-- started the settling from the flow's steps and read every step_state of
-- the flow per call through their flow_slug.
create or replace function pgflow._cascade(run_ids uuid[], flow_slugs text[], done_runs uuid[], done_steps text[],
                                started pgflow.step_states[] default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_runs        uuid[] := _cascade.run_ids;     -- every run driven (and not failed)
  v_active      uuid[] := _cascade.run_ids;     -- the runs this round looks at
  v_done_runs   uuid[] := _cascade.done_runs;
  v_done_steps  text[] := _cascade.done_steps;
  v_failed      uuid[];
  v_ready       pgflow.step_states[] := _cascade.started; -- started steps to queue
  v_settled     pgflow.step_states[];          -- steps the settling started
  v_run         record;
  v_conditions  text[] := array(select f from unnest(_cascade.flow_slugs) as f
                                 where exists (select from pgflow.steps as s
                                                where s.flow_slug = f
                                                  and (s.run_if is not null or s.run_unless is not null)));
begin
  loop
    if cardinality(v_done_runs) > 0 then
      -- Without conditions, the steps made ready are marked started right away.
      select st.failed, st.ready into v_failed, v_settled
        from pgflow._settle_completed_steps(v_done_runs, v_done_steps, cardinality(v_conditions) = 0) as st;
      v_ready := v_ready || v_settled;
      if cardinality(v_failed) > 0 then
        v_runs   := array(select r from unnest(v_runs) as r where r <> all(v_failed));
        v_active := array(select r from unnest(v_active) as r where r <> all(v_failed));
      end if;
    end if;

    -- Conditions are tested before anything ready is queued (or, for an
    -- empty map, completed); an unmet 'fail' condition fails the run. Flows
    -- without conditions (most) skip this.
    if cardinality(v_conditions) > 0 then
      for v_run in
        select r.run_id, r.flow_slug
          from unnest(v_active) as u(id)
          join pgflow.runs as r on r.run_id = u.id
         where r.flow_slug = any(v_conditions)
         order by r.run_id
      loop
        if not pgflow._apply_conditions(v_run.run_id, v_run.flow_slug) then
          v_runs   := array_remove(v_runs, v_run.run_id);
          v_active := array_remove(v_active, v_run.run_id);
        end if;
      end loop;
    end if;

    perform pgflow._queue_ready_steps(v_active, v_ready);
    v_ready := null;

    with empty as (
      update pgflow.step_states as ss
         set status = 'completed', started_at = now(), completed_at = now(),
             remaining_tasks = 0, output = '[]'::jsonb
       where ss.run_id = any(v_active)
         and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks = 0
      returning ss.run_id, ss.step_slug
    )
    select array_agg(e.run_id), array_agg(e.step_slug) into v_done_runs, v_done_steps from empty as e;

    exit when v_done_runs is null;
    v_active := array(select distinct r from unnest(v_done_runs) as r);
  end loop;

  perform pgflow._complete_runs_if_done(v_runs);
end;
$$;

-- start_flow( flow_slug, input, run_id )
-- Starts a run: the run row, one step_state per step, and tasks for every step
-- whose dependencies are met (root steps). run_id may be chosen by the caller
-- (an idempotency key of sorts); a run_id that exists already is an error.
create or replace function pgflow.start_flow(flow_slug text, input jsonb, run_id uuid default null)
returns setof pgflow.runs
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
begin
  if start_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of a run of flow "%s" must not be null', start_flow.flow_slug),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;
  return query select * from pgflow._start_runs(start_flow.flow_slug, array[start_flow.input], array[start_flow.run_id]);
end;
$$;

comment on function pgflow.start_flow(text, jsonb, uuid) is
  'starts a run of a flow with the given input and queues its root steps';

-- start_flows( flow_slug, inputs )
-- start_flow for many runs of one flow in one transaction: inputs is a JSON
-- array, one element per run (each the run's input, as start_flow takes it).
-- Returns the runs in the order of their inputs. All or nothing: one bad input
-- (say, no array for a flow whose root step maps) and no run starts. For
-- callers that start runs in bulk (an import, a fan-out from a schedule): one
-- commit for all of them.
create or replace function pgflow.start_flows(flow_slug text, inputs jsonb)
returns setof pgflow.runs
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
begin
  if start_flows.inputs is null or jsonb_typeof(start_flows.inputs) <> 'array' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('inputs of runs of flow "%s" must be a JSON array, got %s',
                       coalesce(start_flows.flow_slug, 'NULL'), coalesce(jsonb_typeof(start_flows.inputs), 'NULL')),
      hint    = 'Pass one element per run: ''[{"id": 1}, {"id": 2}]'' starts two runs.';
  end if;
  return query
  select * from pgflow._start_runs(start_flows.flow_slug,
                                   array(select e.value from jsonb_array_elements(start_flows.inputs) with ordinality as e (value, n)
                                          order by e.n),
                                   array[]::uuid[]);
end;
$$;

comment on function pgflow.start_flows(text, jsonb) is
  'starts one run of the flow per element of a JSON array of inputs, in one transaction';

-- resume_run( run_id )
-- Resumes a paused run: it is started again, the messages that start_tasks
-- held while it was paused become visible now, and the steps that became
-- ready meanwhile are queued (as after a completion). Returns the run.
-- Resuming a started run changes nothing; a finished or cancelled run cannot
-- be resumed (object_not_in_prerequisite_state). Sends run:resumed (with
-- status started), then the events of what it queues.
create or replace function pgflow.resume_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
declare
  v_run pgflow.runs%rowtype;
begin
  if resume_run.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of the run to resume (pgflow.runs.run_id).';
  end if;
  v_run := pgflow._lock_run(resume_run.run_id);
  if v_run.status = 'started' then
    return v_run;
  end if;
  if v_run.status <> 'paused' then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be resumed', resume_run.run_id, v_run.status),
      hint    = 'Only a paused run can be resumed.';
  end if;

  update pgflow.runs as r
     set status = 'started', paused_at = null
   where r.run_id = resume_run.run_id;

  -- start_tasks held these messages with visibility 'infinity'.
  execute format('update pgmq.%I as q set vt = clock_timestamp() where q.vt = ''infinity'' and q.msg_id = any($1)',
                 'q_' || lower(v_run.flow_slug))
    using array(select t.message_id
                  from pgflow.step_tasks as t
                 where t.run_id = resume_run.run_id and t.status in ('queued', 'started')
                   and t.message_id is not null);

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:resumed',
    jsonb_build_object('status', 'started', 'resumed_at', now()));

  perform pgflow._cascade(array[resume_run.run_id], array[v_run.flow_slug], null, null);

  select * into v_run from pgflow.runs as r where r.run_id = resume_run.run_id;
  return v_run;
end;
$$;

comment on function pgflow.resume_run(uuid) is
  'resumes a paused run: held messages become visible and the steps that became ready are queued';

-- start_tasks( flow_slug, msg_ids, worker_id )
-- A worker read msg_ids from the flow's queue: start their tasks and return
-- what it needs to run them. Each task's attempts_count goes up by one and its
-- message stays invisible for the step's timeout + 2 seconds.
--
-- A task is startable when queued, or when started but its lease ran out
-- (started_at + timeout + 2 s has passed: its worker died or hung, and the
-- message became visible again), which counts as a new attempt. A task
-- locked by another transaction (being started, completed or failed) is
-- skipped, not waited for. The lease is
-- checked against the clock, not the transaction's start: pgmq.read compares
-- visibility with the clock, and a reader whose transaction began just before
-- the message came back must still take it over rather than hide it again. So of two
-- workers racing for one message only the first starts it. A task whose lease
-- ran out on its last attempt is not started again: it fails (fail_task), and
-- with it its step and run. Messages of finished tasks or of runs that are no
-- longer running yield nothing. Messages of cancelled tasks (a worker read
-- them just before cancel_run) are archived. Messages of a paused run's
-- queued tasks (and started ones whose lease ran out) are held: their
-- visibility becomes 'infinity' until resume_run releases them. A message that belongs to no task at all is
-- archived with a warning, so a stray message cannot come back forever.
--
-- Plans: as the other entry points (see _cascade), the joins in the order
-- written: from the messages' task keys to the tasks, then their steps,
-- flows and runs, each by primary key.
--
-- Task input: for a single step {"run": <run input>, "<dep>": <dep output>, ...};
-- for a map step the array element at task_index. A skipped dependency has no key.
create or replace function pgflow.start_tasks(flow_slug text, msg_ids bigint[], worker_id uuid)
returns setof pgflow.step_task_record
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
declare
  v_tasks   pgflow.step_task_record[];
  v_timeout integer;
  v_ids     bigint[];
  v_unknown bigint[];
  v_expired record;
  v_runs    uuid[];
  v_steps   text[];
  v_indexes integer[];
  v_found   bigint[];
begin
  perform pgflow._authorize_worker(start_tasks.flow_slug);
  if start_tasks.flow_slug is null or start_tasks.msg_ids is null or start_tasks.worker_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow_slug, msg_ids and worker_id must not be null',
      hint    = 'Pass the flow, the message ids read from its queue and the registered worker''s id.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = start_tasks.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', start_tasks.flow_slug),
      hint    = 'Workers read the queue named after the flow they serve.';
  end if;
  if not exists (select from pgflow.workers as w where w.worker_id = start_tasks.worker_id) then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', start_tasks.worker_id),
      hint    = 'Register it first with pgflow.register_worker(worker_id, queue_name, function_name).';
  end if;

  -- The messages' tasks, one index lookup per message. Asked for all
  -- messages at once (message_id = any(...)), a plan made before step_tasks
  -- was first analyzed (a new install, a new flow's first minute) took
  -- flow_slug = $1 for selective and read every task of the flow per call;
  -- offset 0 keeps each lookup on its own, where both keys are used. Every
  -- later query goes from these keys.
  select array_agg(x.run_id), array_agg(x.step_slug), array_agg(x.task_index), array_agg(x.message_id)
    into v_runs, v_steps, v_indexes, v_found
    from (select distinct m.id from unnest(start_tasks.msg_ids) as m(id)) as m
   cross join lateral (select t.run_id, t.step_slug, t.task_index, t.message_id
                         from pgflow.step_tasks as t
                        where t.flow_slug = start_tasks.flow_slug and t.message_id = m.id
                       offset 0) as x;

  -- Leases that ran out on the last attempt: fail those tasks (locking their
  -- runs first, as complete_task does) before starting anything.
  for v_expired in
    select t.run_id, t.step_slug, t.task_index, t.attempts_count, coalesce(s.opt_timeout, f.opt_timeout) as timeout
      from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
      join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
      join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
      join pgflow.flows as f on f.flow_slug = t.flow_slug
      join pgflow.runs as r on r.run_id = t.run_id
     where t.status = 'started'
       -- started (cancel: a paused run's expired task is held, not failed),
       -- written so that no plan looks runs up by status rather than by run_id
       and r.status not in ('completed', 'failed', 'cancelled', 'paused')
       and t.started_at + make_interval(secs => coalesce(s.opt_timeout, f.opt_timeout) + 2) <= clock_timestamp()
       and t.attempts_count >= coalesce(s.opt_max_attempts, f.opt_max_attempts)
  loop
    perform pgflow.fail_task(v_expired.run_id, v_expired.step_slug, v_expired.task_index,
      format('timed out: no result within %s seconds, after %s attempts', v_expired.timeout + 2,
             v_expired.attempts_count));
  end loop;

  -- Tasks someone else has locked are being completed, failed or started by
  -- them right now: skip them rather than wait. Waiting could deadlock with a
  -- completion that holds the task and waits for the message this caller read.
  with candidates as (
    select t.run_id, t.step_slug, t.task_index, coalesce(s.opt_timeout, f.opt_timeout) as timeout,
           s.step_type, s.deps_count, r.input as run_input
      from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
      join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
      join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
      join pgflow.flows as f on f.flow_slug = t.flow_slug
      join pgflow.runs as r on r.run_id = t.run_id
     where r.status not in ('completed', 'failed', 'cancelled', 'paused') -- started, as above
       and (t.status = 'queued'
            or (t.status = 'started'
                and t.started_at + make_interval(secs => coalesce(s.opt_timeout, f.opt_timeout) + 2) <= clock_timestamp()
                and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)))
       for update of t skip locked
  ), started as (
    update pgflow.step_tasks as t
       set status = 'started',
           attempts_count = t.attempts_count + 1,
           started_at = now(),
           last_worker_id = start_tasks.worker_id
      from candidates as c
     where t.run_id = c.run_id and t.step_slug = c.step_slug and t.task_index = c.task_index
    returning t.run_id, t.step_slug, t.task_index, t.message_id, t.attempts_count,
              c.timeout, c.step_type, c.deps_count, c.run_input
  )
  select array_agg(row(
           start_tasks.flow_slug, st.run_id, st.step_slug,
           case
             when st.step_type = 'map' and st.deps_count = 0 then st.run_input -> st.task_index
             when st.step_type = 'map' then
               (select dep.output -> st.task_index
                  from pgflow.deps as d
                  join pgflow.step_states as dep on dep.run_id = st.run_id and dep.step_slug = d.dep_slug
                 where d.flow_slug = start_tasks.flow_slug and d.step_slug = st.step_slug)
             else jsonb_build_object('run', st.run_input)
                  || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                                 from pgflow.deps as d
                                 join pgflow.step_states as dep on dep.run_id = st.run_id and dep.step_slug = d.dep_slug
                                where d.flow_slug = start_tasks.flow_slug and d.step_slug = st.step_slug
                                  and dep.status = 'completed'),
                              '{}'::jsonb)
           end,
           st.message_id, st.task_index, st.attempts_count, st.timeout)::pgflow.step_task_record
         order by st.message_id)
    into v_tasks
    from started as st;

  -- The lease: invisible for the step's timeout + 2 s, one call per distinct timeout.
  for v_timeout, v_ids in
    select t.timeout, array_agg(t.msg_id) from unnest(v_tasks) as t group by t.timeout
  loop
    perform pgmq.set_vt(start_tasks.flow_slug, v_ids, v_timeout + 2);
  end loop;

  -- Messages that started no task (the common case is none: nothing to do).
  if coalesce(cardinality(v_tasks), 0) < cardinality(start_tasks.msg_ids) then
    -- cancel: archive the messages of cancelled tasks; hold those of paused runs.
    v_ids := array(select t.message_id
                     from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
                     join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
                    where t.status = 'cancelled');
    if cardinality(v_ids) > 0 then
      perform pgmq.archive(start_tasks.flow_slug, v_ids);
    end if;
    v_ids := array(select t.message_id
                     from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
                     join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
                     join pgflow.runs as r on r.run_id = t.run_id
                    where t.status in ('queued', 'started')
                      and r.status not in ('started', 'completed', 'failed', 'cancelled') -- paused, as above
                      and not t.message_id = any(array(select s.msg_id from unnest(v_tasks) as s)));
    if cardinality(v_ids) > 0 then
      execute format('update pgmq.%I as q set vt = ''infinity'' where q.msg_id = any($1)',
                     'q_' || lower(start_tasks.flow_slug))
        using v_ids;
    end if;

    -- Messages of no task at all.
    v_unknown := array(select m from unnest(start_tasks.msg_ids) as m
                        where m is not null and m <> all(coalesce(v_found, '{}')));
    if cardinality(v_unknown) > 0 then
      perform pgmq.archive(start_tasks.flow_slug, v_unknown);
      raise warning using
        message = format('archived message(s) %s of queue "%s": they belong to no task',
                         array_to_string(v_unknown, ', '), start_tasks.flow_slug),
        hint    = 'Only pgflow sends to a flow''s queue; the archived messages are in pgmq.a_<queue>.';
    end if;
  end if;

  return query select * from unnest(v_tasks);
end;
$$;

comment on function pgflow.start_tasks(text, bigint[], uuid) is
  'starts the tasks of messages a worker read from the flow''s queue and returns their inputs';

-- complete_task( run_id, step_slug, task_index, output )
-- Records a started task's output and archives its message. The last task of
-- a step completes the step (a map's output is the array of its tasks'
-- outputs in task_index order) and cascades: dependents become ready and are
-- queued, and the run completes when no step remains.
--
-- Only a started task of a running (or paused) run is completed. Otherwise
-- (the task is queued, completed, failed or cancelled already, or the run
-- has finished or was cancelled) nothing
-- changes and no row is returned: a late or repeated call is harmless.
-- An unknown run, step or task is an error.
create or replace function pgflow.complete_task(run_id uuid, step_slug text, task_index integer, output jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
declare
  v_run pgflow.runs%rowtype := pgflow._lock_run(complete_task.run_id);
begin
  perform pgflow._authorize_worker(v_run.flow_slug);
  if complete_task.output is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('output of task %s of step "%s" must not be null',
                       coalesce(complete_task.task_index::text, 'NULL'), complete_task.step_slug),
      hint    = 'Complete a task with a JSON value; ''null''::jsonb for JSON null.';
  end if;
  return query select * from pgflow._complete_tasks(array[complete_task.run_id], array[complete_task.step_slug],
                                                     array[complete_task.task_index], array[complete_task.output]);
end;
$$;

comment on function pgflow.complete_task(uuid, text, integer, jsonb) is
  'completes a started task with its output and cascades to dependent steps and the run';

-- complete_tasks( tasks )
-- complete_task for many tasks in one transaction: tasks is a JSON array of
--   {"run_id": "<uuid>", "step_slug": "<slug>", "task_index": <n>, "output": <json>}
-- (task_index defaults to 0). A worker that ran a batch of tasks reports them
-- in one call: one commit instead of one per task. The runs are locked first,
-- in run_id order, so that batches racing over the same runs cannot deadlock;
-- then the tasks complete together (_complete_tasks: one statement per stage
-- for the whole batch, one cascade for all its runs), their messages are
-- archived with one call per flow, and the completed tasks are returned. A
-- task that complete_task would ignore (not started, or its run finished) is
-- ignored here too; an unknown run, step or task is an error and nothing of
-- the batch is kept.
create or replace function pgflow.complete_tasks(tasks jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
declare
  v_bad     record;
  v_runs    uuid[];
  v_steps   text[];
  v_indexes integer[];
  v_outputs jsonb[];
  v_locked  integer;
begin
  if complete_tasks.tasks is null or jsonb_typeof(complete_tasks.tasks) <> 'array' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('tasks must be a JSON array, got %s', coalesce(jsonb_typeof(complete_tasks.tasks), 'NULL')),
      hint    = 'Pass [{"run_id": "…", "step_slug": "…", "task_index": 0, "output": {…}}, …].';
  end if;

  select e.n, left(e.t::text, 200) as t into v_bad
    from jsonb_array_elements(complete_tasks.tasks) with ordinality as e(t, n)
   where jsonb_typeof(e.t) <> 'object'
      or jsonb_typeof(e.t -> 'run_id') is distinct from 'string'
      or (e.t ->> 'run_id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
      or jsonb_typeof(e.t -> 'step_slug') is distinct from 'string'
      or (e.t ? 'task_index' and (jsonb_typeof(e.t -> 'task_index') <> 'number'
                                  or (e.t ->> 'task_index') !~ '^[0-9]{1,9}$'))
      or not e.t ? 'output'
   order by e.n
   limit 1;
  if found then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('task %s of the batch is malformed: %s', v_bad.n, v_bad.t),
      hint    = 'Each task is {"run_id": "<uuid>", "step_slug": "<slug>", "task_index": <n >= 0>, "output": <json>}.';
  end if;

  select array_agg((e.t ->> 'run_id')::uuid order by e.n),
         array_agg(e.t ->> 'step_slug' order by e.n),
         array_agg(coalesce((e.t ->> 'task_index')::integer, 0) order by e.n),
         array_agg(e.t -> 'output' order by e.n)
    into v_runs, v_steps, v_indexes, v_outputs
    from jsonb_array_elements(complete_tasks.tasks) with ordinality as e(t, n);
  if v_runs is null then
    return;
  end if;

  -- The caller may work every flow of the batch, before it locks anything.
  perform pgflow._authorize_worker(f.flow_slug)
     from (select distinct r.flow_slug from pgflow.runs as r where r.run_id = any(v_runs)) as f;

  -- Every run of the batch locked up front, in one order (see _lock_run).
  select count(*)::integer into v_locked
    from (select from pgflow.runs as r where r.run_id = any(v_runs) order by r.run_id for no key update) as l;
  -- Fewer than asked for: an unknown run, with the error _lock_run gives.
  if v_locked < (select count(distinct u.r) from unnest(v_runs) as u(r)) then
    perform pgflow._lock_run(u.r)
       from unnest(v_runs) as u(r)
      where not exists (select from pgflow.runs as r where r.run_id = u.r)
      order by u.r
      limit 1;
  end if;

  return query select * from pgflow._complete_tasks(v_runs, v_steps, v_indexes, v_outputs);
end;
$$;

comment on function pgflow.complete_tasks(jsonb) is
  'completes a batch of started tasks in one transaction, locking their runs in a fixed order';

-- fail_task( run_id, step_slug, task_index, error_message )
-- Records a started task's failure. While attempts remain (attempts_count <
-- max_attempts) the task is queued again and its message delayed by
-- calculate_retry_delay(base_delay, attempts_count - 1): base_delay, then
-- twice that, and so on. Otherwise the task, its step and the run fail, and
-- the run's other queued work is archived.
--
-- Like complete_task, it changes nothing and returns no row unless the task
-- is started and the run is running (or paused: a retry of a paused run is
-- queued, and start_tasks holds it until resume_run); an unknown run, step or
-- task is an error.
create or replace function pgflow.fail_task(run_id uuid, step_slug text, task_index integer, error_message text)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
declare
  v_run          pgflow.runs%rowtype := pgflow._lock_run(fail_task.run_id);
  v_task         pgflow.step_tasks%rowtype;
  v_max_attempts integer;
  v_base_delay   integer;
begin
  perform pgflow._authorize_worker(v_run.flow_slug);
  select coalesce(s.opt_max_attempts, f.opt_max_attempts), coalesce(s.opt_base_delay, f.opt_base_delay)
    into v_max_attempts, v_base_delay
    from pgflow.steps as s
    join pgflow.flows as f on f.flow_slug = s.flow_slug
   where s.flow_slug = v_run.flow_slug and s.step_slug = fail_task.step_slug;

  update pgflow.step_tasks as t
     set status        = case when t.attempts_count < v_max_attempts then 'queued' else 'failed' end,
         started_at    = case when t.attempts_count < v_max_attempts then null else t.started_at end,
         failed_at     = case when t.attempts_count < v_max_attempts then null else now() end,
         error_message = fail_task.error_message
   where t.run_id = fail_task.run_id
     and t.step_slug = fail_task.step_slug
     and t.task_index = fail_task.task_index
     and t.status = 'started'
     and v_run.status in ('started', 'paused') -- cancel: in-flight work of a paused run is kept
  returning * into v_task;
  if not found then
    perform pgflow._assert_task_exists(fail_task.run_id, v_run.flow_slug, fail_task.step_slug, fail_task.task_index);
    return;
  end if;

  if v_task.status = 'queued' then
    perform pgmq.set_vt(v_run.flow_slug, v_task.message_id,
                        pgflow.calculate_retry_delay(v_base_delay, v_task.attempts_count - 1));
    return next v_task;
    return;
  end if;

  perform pgmq.archive(v_run.flow_slug, v_task.message_id);
  perform pgflow._fail_step(fail_task.run_id, v_run.flow_slug, fail_task.step_slug, fail_task.error_message);

  return next v_task;
end;
$$;

comment on function pgflow.fail_task(uuid, text, integer, text) is
  'fails a started task: queued again with exponential backoff while attempts remain, else fails step and run';
alter function pgflow.start_flow(text, jsonb, uuid) security definer;
alter function pgflow.start_flows(text, jsonb) security definer;
alter function pgflow.start_tasks(text, bigint[], uuid) security definer;
alter function pgflow.complete_task(uuid, text, integer, jsonb) security definer;
alter function pgflow.complete_tasks(jsonb) security definer;
alter function pgflow.fail_task(uuid, text, integer, text) security definer;
alter function pgflow.resume_run(uuid) security definer;
