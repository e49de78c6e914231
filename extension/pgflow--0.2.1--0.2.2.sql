\echo Use "ALTER EXTENSION pgflow UPDATE TO '0.2.2'" to load this file. \quit
-- Changes between pgflow 0.2.1 and 0.2.2.
-- Hot path: complete_task locked its run twice (itself, then _complete_task
-- again); _complete_task now takes the run row its caller locked.
-- create or replace resets SECURITY DEFINER, so it is set again below.

drop function pgflow._complete_task(uuid, text, integer, jsonb, boolean);

-- _complete_task( locked_run, step_slug, task_index, output, archive )
-- What complete_task does once its caller locked the run (_lock_run: the
-- row passed is the run as it is now) and is authorized: records a started
-- task's output and, when archive is true, archives its message (complete_tasks
-- archives a batch's messages in one call instead). The last task of a step
-- completes the step (a map's output is the array of its tasks' outputs in
-- task_index order) and cascades. Returns the completed task, or null when
-- there is nothing to complete (the task is not started, or the run is not
-- running). An unknown run, step or task is an error.
create function pgflow._complete_task(locked_run pgflow.runs, step_slug text, task_index integer, output jsonb, archive boolean)
returns pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run         pgflow.runs%rowtype := _complete_task.locked_run;
  v_task        pgflow.step_tasks%rowtype;
  v_step_status text;
begin
  if _complete_task.output is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('output of task %s of step "%s" must not be null',
                       coalesce(_complete_task.task_index::text, 'NULL'), _complete_task.step_slug),
      hint    = 'Complete a task with a JSON value; ''null''::jsonb for JSON null.';
  end if;

  update pgflow.step_tasks as t
     set status = 'completed', completed_at = now(), output = _complete_task.output
   where t.run_id = v_run.run_id
     and t.step_slug = _complete_task.step_slug
     and t.task_index = _complete_task.task_index
     and t.status = 'started'
     and v_run.status in ('started', 'paused') -- cancel: in-flight work of a paused run is kept
  returning * into v_task;
  if not found then
    perform pgflow._assert_task_exists(v_run.run_id, v_run.flow_slug, _complete_task.step_slug,
                                       _complete_task.task_index);
    return null;
  end if;

  if _complete_task.archive then
    perform pgmq.archive(v_run.flow_slug, v_task.message_id);
  end if;

  update pgflow.step_states as ss
     set remaining_tasks = ss.remaining_tasks - 1,
         status          = case when ss.remaining_tasks = 1 then 'completed' else ss.status end,
         completed_at    = case when ss.remaining_tasks = 1 then now() end,
         output          = case
                             when ss.remaining_tasks > 1 then null
                             when s.step_type = 'map' then
                               (select jsonb_agg(t.output order by t.task_index)
                                  from pgflow.step_tasks as t
                                 where t.run_id = ss.run_id and t.step_slug = ss.step_slug)
                             else _complete_task.output
                           end
    from pgflow.steps as s
   where ss.run_id = v_run.run_id
     and ss.step_slug = _complete_task.step_slug
     and s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
  returning ss.status into v_step_status;

  if v_step_status = 'completed' then
    perform pgflow._cascade(v_run.run_id, v_run.flow_slug, array[_complete_task.step_slug]);
  end if;

  return v_task;
end;
$$;

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
as $$
declare
  v_run  pgflow.runs%rowtype := pgflow._lock_run(complete_task.run_id);
  v_task pgflow.step_tasks%rowtype;
begin
  perform pgflow._authorize_worker(v_run.flow_slug);
  v_task := pgflow._complete_task(v_run, complete_task.step_slug, complete_task.task_index,
                                  complete_task.output, true);
  if v_task.run_id is not null then
    return next v_task;
  end if;
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
-- then each task completes exactly as complete_task does, the completed tasks'
-- messages are archived with one call per flow, and the completed tasks are
-- returned. A task that complete_task would ignore (not started, or
-- its run finished) is ignored here too; an unknown run, step or task is an
-- error and nothing of the batch is kept.
create or replace function pgflow.complete_tasks(tasks jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_bad       record;
  v_task      record;
  v_done      pgflow.step_tasks%rowtype;
  v_completed pgflow.step_tasks[] := array[]::pgflow.step_tasks[];
  v_flow      text;
  v_ids       bigint[];
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

  -- The caller may work every flow of the batch (complete_task checks again),
  -- before it locks anything.
  perform pgflow._authorize_worker(f.flow_slug)
     from (select distinct r.flow_slug from pgflow.runs as r
            where r.run_id in (select (e ->> 'run_id')::uuid from jsonb_array_elements(complete_tasks.tasks) as e)) as f;

  -- Every run of the batch locked up front, in one order (see _lock_run).
  perform from pgflow.runs as r
   where r.run_id in (select (e ->> 'run_id')::uuid from jsonb_array_elements(complete_tasks.tasks) as e)
   order by r.run_id
     for no key update;

  for v_task in
    select (e.t ->> 'run_id')::uuid as run_id, e.t ->> 'step_slug' as step_slug,
           coalesce((e.t ->> 'task_index')::integer, 0) as task_index, e.t -> 'output' as output
      from jsonb_array_elements(complete_tasks.tasks) with ordinality as e(t, n)
     order by (e.t ->> 'run_id')::uuid, e.n
  loop
    -- the run as it is now (an earlier task of the batch may have changed it); locked already
    v_done := pgflow._complete_task(pgflow._lock_run(v_task.run_id), v_task.step_slug, v_task.task_index,
                                    v_task.output, false);
    if v_done.run_id is not null then
      v_completed := v_completed || v_done;
    end if;
  end loop;

  -- The completed tasks' messages, archived with one call per flow.
  for v_flow, v_ids in
    select c.flow_slug, array_agg(c.message_id order by c.message_id)
      from unnest(v_completed) as c
     group by c.flow_slug
     order by c.flow_slug
  loop
    perform pgmq.archive(v_flow, v_ids);
  end loop;

  return query select * from unnest(v_completed);
end;
$$;

comment on function pgflow.complete_tasks(jsonb) is
  'completes a batch of started tasks in one transaction, locking their runs in a fixed order';

revoke all on function pgflow._complete_task(pgflow.runs, text, integer, jsonb, boolean) from public;
alter function pgflow.complete_task(uuid, text, integer, jsonb) security definer;
alter function pgflow.complete_tasks(jsonb) security definer;
