\echo Use "ALTER EXTENSION pgflow UPDATE TO '0.2.0'" to load this file. \quit
-- Changes between pgflow 0.1.0 and 0.2.0.
-- pg_cron schedules (schedule_flow, unschedule_flow, schedule_maintenance) and
-- maintenance (requeue_stalled_tasks, prune). pg_cron stays optional.
-- The setting pgflow.notify = off silences pg_notify (_emit_event).

-- _cron_function( signatures )
-- The first pg_cron function of these signatures that exists (say
-- 'cron.unschedule(name)', 'cron.unschedule(text)': versions differ), or
-- feature_not_supported where pg_cron is not installed in this database. pg_cron stays optional: pgflow does not require it, and callers
-- reach it through EXECUTE so that pgflow installs and compiles without it.
create function pgflow._cron_function(variadic signatures text[])
returns regprocedure
language plpgsql
stable
set search_path = ''
as $$
declare
  v_function regprocedure;
begin
  if to_regnamespace('cron') is not null then
    select to_regprocedure(s.signature) into v_function
      from unnest(_cron_function.signatures) with ordinality as s (signature, n)
     where to_regprocedure(s.signature) is not null
     order by s.n
     limit 1;
  end if;
  if v_function is null then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron is not installed in database "%s"', current_database()),
      hint    = 'Run create extension pg_cron; it must be in shared_preload_libraries and cron.database_name must name this database.';
  end if;
  return v_function;
end;
$$;

-- schedule_flow( job_name, schedule, flow_slug, input )
-- Schedules a pg_cron job that starts a run of the flow with the input on the
-- cron schedule, and returns the job's id. The job's command only ever holds
-- the flow slug and the input as quoted literals:
--   select pgflow.start_flow('<flow_slug>', '<input>'::jsonb)
-- A job of the same name (and user) is replaced, as cron.schedule does.
-- Needs pg_cron in this database (feature_not_supported otherwise).
create function pgflow.schedule_flow(job_name text, schedule text, flow_slug text, input jsonb default '{}')
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_schedule regprocedure;
  v_job_id   bigint;
begin
  if schedule_flow.job_name is null or schedule_flow.job_name = '' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = 'job name must not be null or empty',
      hint    = 'Name the job: a name of its own replaces no other job, the same name replaces that job.';
  end if;
  if schedule_flow.schedule is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('schedule of job "%s" must not be null', schedule_flow.job_name),
      hint    = 'Pass a cron schedule, such as ''*/5 * * * *''.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = schedule_flow.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', coalesce(schedule_flow.flow_slug, 'NULL')),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;
  if schedule_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of job "%s" must not be null', schedule_flow.job_name),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;

  v_schedule := pgflow._cron_function('cron.schedule(text, text, text)');
  execute format('select %s($1, $2, $3)', v_schedule::regproc)
    into v_job_id
    using schedule_flow.job_name, schedule_flow.schedule,
          format('select pgflow.start_flow(%L, %L::jsonb)', schedule_flow.flow_slug, schedule_flow.input::text);
  return v_job_id;
end;
$$;

comment on function pgflow.schedule_flow(text, text, text, jsonb) is
  'schedules a pg_cron job that starts a run of the flow with the input; the same job name replaces the job';

-- unschedule_flow( job_name )
-- Removes the current user's pg_cron job of that name (one scheduled by
-- schedule_flow or schedule_maintenance); an unknown job is an error.
-- Needs pg_cron in this database (feature_not_supported otherwise).
create function pgflow.unschedule_flow(job_name text)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_unschedule regprocedure := pgflow._cron_function('cron.unschedule(name)', 'cron.unschedule(text)');
  v_exists     boolean;
  v_removed    boolean;
begin
  execute format('select exists (select from %s as j where j.jobname = $1 and j.username = current_user)',
                 coalesce(to_regclass('cron.job')::text, 'cron.job'))
    into v_exists
    using unschedule_flow.job_name;
  if not v_exists then
    raise exception using
      errcode = 'undefined_object',
      message = format('cron job "%s" does not exist', coalesce(unschedule_flow.job_name, 'NULL')),
      hint    = 'Look the jobs of the current user up in cron.job.';
  end if;

  execute format('select %s($1)', v_unschedule::regproc)
    into v_removed
    using unschedule_flow.job_name;
  return v_removed;
end;
$$;

comment on function pgflow.unschedule_flow(text) is
  'removes a pg_cron job by name, such as one scheduled by schedule_flow';

-- requeue_stalled_tasks()
-- Gives the tasks of lost workers back to the queue. A task is stalled when it
-- is started, its lease ran out (started_at + timeout + 2 s has passed) and
-- its worker is gone: unknown, stopped, or silent (no heartbeat) for longer
-- than that lease. While attempts remain the task is queued again and its
-- message visible at once (the lost attempt was counted when it started);
-- a task on its last attempt fails (fail_task), and with it its step and run.
-- Returns the number of tasks queued again.
--
-- Runs are taken one at a time in run_id order, each locked (_lock_run)
-- before its tasks, as complete_task does; tasks locked by someone else are
-- being started, completed or failed right now and are skipped.
create function pgflow.requeue_stalled_tasks()
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run_id   uuid;
  v_run      pgflow.runs%rowtype;
  v_task     record;
  v_requeued integer := 0;
begin
  for v_run_id in
    select distinct t.run_id
      from pgflow.step_tasks as t
      join pgflow.runs as r on r.run_id = t.run_id
     where t.status = 'started' and r.status = 'started'
     order by t.run_id
  loop
    v_run := pgflow._lock_run(v_run_id);
    continue when v_run.status <> 'started';

    for v_task in
      select t.step_slug, t.task_index, t.message_id, t.attempts_count,
             coalesce(s.opt_timeout, f.opt_timeout) + 2 as lease,
             coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts
        from pgflow.step_tasks as t
        join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
        join pgflow.flows as f on f.flow_slug = t.flow_slug
        left join pgflow.workers as w on w.worker_id = t.last_worker_id
       where t.run_id = v_run_id
         and t.status = 'started'
         and t.started_at + make_interval(secs => coalesce(s.opt_timeout, f.opt_timeout) + 2) <= clock_timestamp()
         and (w.worker_id is null
              or w.stopped_at is not null
              or w.last_heartbeat_at + make_interval(secs => coalesce(s.opt_timeout, f.opt_timeout) + 2)
                 <= clock_timestamp())
       order by t.step_slug, t.task_index
         for update of t skip locked
    loop
      if v_task.attempts_count < v_task.max_attempts then
        update pgflow.step_tasks as t
           set status = 'queued', started_at = null
         where t.run_id = v_run_id and t.step_slug = v_task.step_slug and t.task_index = v_task.task_index;
        perform pgmq.set_vt(v_run.flow_slug, v_task.message_id, 0);
        v_requeued := v_requeued + 1;
      else
        perform pgflow.fail_task(v_run_id, v_task.step_slug, v_task.task_index,
          format('timed out: no result within %s seconds and the worker is gone, after %s attempts',
                 v_task.lease, v_task.attempts_count));
        -- the run has failed: its other tasks are archived with it
        exit;
      end if;
    end loop;
  end loop;
  return v_requeued;
end;
$$;

comment on function pgflow.requeue_stalled_tasks() is
  'queues again the started tasks whose lease ran out and whose worker is gone (fails those on their last attempt)';

-- prune( older_than )
-- Deletes the runs that completed or failed more than older_than ago, with
-- their step_states and step_tasks, and their tasks' messages from the flow's
-- pgmq archive (and queue, should one be left there). Started runs stay.
-- Returns the number of runs deleted.
create function pgflow.prune(older_than interval)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run_ids uuid[];
  v_flow    text;
  v_msg_ids bigint[];
begin
  if prune.older_than is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'older_than must not be null',
      hint    = 'Pass how old a finished run must be to go, such as interval ''7 days''.';
  end if;
  if prune.older_than < interval '0' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('older_than must not be negative, got %s', prune.older_than),
      hint    = 'Pass how old a finished run must be to go, such as interval ''7 days''.';
  end if;

  -- Locked in run_id order, so that two prunes at once do not deadlock.
  v_run_ids := array(
    select r.run_id
      from pgflow.runs as r
     where (r.status = 'completed' and r.completed_at < now() - prune.older_than)
        or (r.status = 'failed' and r.failed_at < now() - prune.older_than)
     order by r.run_id
       for update);
  if cardinality(v_run_ids) = 0 then
    return 0;
  end if;

  for v_flow, v_msg_ids in
    select t.flow_slug, array_agg(t.message_id)
      from pgflow.step_tasks as t
     where t.run_id = any(v_run_ids) and t.message_id is not null
     group by t.flow_slug
     order by t.flow_slug
  loop
    execute format('delete from pgmq.%I as a where a.msg_id = any($1)', 'a_' || lower(v_flow)) using v_msg_ids;
    perform pgmq.delete(v_flow, v_msg_ids);
  end loop;

  delete from pgflow.step_tasks as t where t.run_id = any(v_run_ids);
  delete from pgflow.step_states as ss where ss.run_id = any(v_run_ids);
  delete from pgflow.runs as r where r.run_id = any(v_run_ids);
  return cardinality(v_run_ids);
end;
$$;

comment on function pgflow.prune(interval) is
  'deletes runs finished more than older_than ago, with their states, tasks and archived messages';

-- schedule_maintenance( schedule, prune_older_than )
-- Schedules pgflow's upkeep with pg_cron: job pgflow_requeue_stalled_tasks
-- every minute, and job pgflow_prune on the schedule, deleting runs finished
-- more than prune_older_than ago. Calling it again replaces both jobs.
-- Returns the two job ids. Needs pg_cron in this database
-- (feature_not_supported otherwise).
-- The interval goes into the command in ISO 8601 ('P7D'), which reads back
-- the same under every IntervalStyle.
create function pgflow.schedule_maintenance(schedule text default '*/5 * * * *',
                                            prune_older_than interval default '7 days')
returns bigint[]
language plpgsql
volatile
set search_path = ''
set intervalstyle = 'iso_8601'
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_schedule regprocedure;
  v_requeue  bigint;
  v_prune    bigint;
begin
  if schedule_maintenance.schedule is null or schedule_maintenance.prune_older_than is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'schedule and prune_older_than must not be null',
      hint    = 'Leave them out to get the defaults: ''*/5 * * * *'' and interval ''7 days''.';
  end if;
  if schedule_maintenance.prune_older_than < interval '0' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('prune_older_than must not be negative, got %s', schedule_maintenance.prune_older_than),
      hint    = 'Pass how old a finished run must be to go, such as interval ''7 days''.';
  end if;

  v_schedule := pgflow._cron_function('cron.schedule(text, text, text)');
  execute format('select %s($1, $2, $3)', v_schedule::regproc)
    into v_requeue
    using 'pgflow_requeue_stalled_tasks', '* * * * *', 'select pgflow.requeue_stalled_tasks()';
  execute format('select %s($1, $2, $3)', v_schedule::regproc)
    into v_prune
    using 'pgflow_prune', schedule_maintenance.schedule,
          format('select pgflow.prune(%L::interval)', schedule_maintenance.prune_older_than::text);
  return array[v_requeue, v_prune];
end;
$$;

comment on function pgflow.schedule_maintenance(text, interval) is
  'schedules requeue_stalled_tasks every minute and prune on the schedule with pg_cron';

revoke all on function pgflow._cron_function(text[]) from public;

-- _emit_event: pgflow.notify = off silences pg_notify (same signature, grants kept).
create or replace function pgflow._emit_event(flow_slug text, run_id uuid, event_type text, payload jsonb)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_payload jsonb := jsonb_strip_nulls(
    jsonb_build_object('event_type', event_type, 'run_id', run_id, 'flow_slug', flow_slug)
    || (payload - 'output')
    || case when payload ? 'error_message'
            then jsonb_build_object('error_message', left(payload ->> 'error_message', 1000))
            else '{}'::jsonb end);
  v_message text := jsonb_build_object(
    'payload',   v_payload,
    'event',     event_type,
    'topic',     flow_slug,
    'timestamp', extract(epoch from clock_timestamp())
  )::text;
  v_send regprocedure := to_regprocedure('realtime.send(jsonb, text, text, boolean)');
begin
  if coalesce(current_setting('pgflow.notify', true), '') <> 'off' then
    perform pg_notify('pgflow_events', v_message);
    perform pg_notify(flow_slug, v_message);
  end if;

  if v_send is not null then
    execute format('select %s($1, $2, $3, false)', v_send::regproc)
      using v_payload || case when payload ? 'output'
                              then jsonb_build_object('output', payload -> 'output')
                              else '{}'::jsonb end,
            case when payload ? 'step_slug'
                 then format('step:%s:%s', payload ->> 'step_slug', payload ->> 'status')
                 else format('run:%s', payload ->> 'status') end,
            format('pgflow:run:%s', run_id);
  end if;
end;
$$;

-- ---------------------------------------------------------------------------
-- Flow shapes and changes: pgflow.flows.shape_hash, get_flow_shape,
-- ensure_flow, set_flow_options, set_step_options, delete_flow_and_data.
-- create_flow and add_step now keep shape_hash current; flows defined on
-- 0.1.0 get theirs computed below.
alter table pgflow.flows add column shape_hash text;

-- _flow_shape( flow_slug )
-- The canonical shape of a flow: its steps in step_index order, each with its
-- slug, step type and dependencies (sorted), as
--   {"steps": [{"slug": "a", "type": "single", "deps": []}, ...]}
-- Options (max_attempts, base_delay, timeout, start_delay) are not part of
-- the shape. The per-step object is built here and only here: a new part of
-- a step's definition is one more key below (keys whose value is JSON null are
-- left out, so that a step without it keeps its shape), plus its name in
-- _normalize_shape. An unknown flow has the shape of a flow without steps.
create function pgflow._flow_shape(flow_slug text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('steps', coalesce(jsonb_agg(
           (select jsonb_object_agg(e.key, e.value)
              from jsonb_each(jsonb_build_object(
                     'slug', s.step_slug,
                     'type', s.step_type,
                     'deps', to_jsonb(array(select d.dep_slug
                                               from pgflow.deps as d
                                              where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug
                                              order by d.dep_slug)))) as e
             where e.value <> 'null'::jsonb)
           order by s.step_index), '[]'::jsonb))
    from pgflow.steps as s
   where s.flow_slug = _flow_shape.flow_slug;
$$;

-- _shape_hash( shape )
-- The hex sha256 of a shape's jsonb text. jsonb stores an object's keys
-- sorted (by length, then bytes) and without duplicates, and prints them in
-- that order with fixed spacing, so equal shapes have equal text and hash,
-- in any database of the same pgflow version.
create function pgflow._shape_hash(shape jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(pg_catalog.sha256(convert_to(shape::text, 'UTF8')), 'hex');
$$;

-- _store_shape_hash( flow_slug )
-- Sets the flow's shape_hash from its steps; create_flow and add_step call it
-- whenever the shape may have changed. Returns the updated flow row.
create function pgflow._store_shape_hash(flow_slug text)
returns pgflow.flows
language sql
volatile
set search_path = ''
as $$
  update pgflow.flows as f
     set shape_hash = pgflow._shape_hash(pgflow._flow_shape(f.flow_slug))
   where f.flow_slug = _store_shape_hash.flow_slug
  returning f.*;
$$;

-- get_flow_shape( flow_slug )
-- The canonical shape of a flow (see _flow_shape): its steps in step_index
-- order with slug, type and sorted deps, options apart. Its sha256 is the
-- flow's shape_hash. The same steps give the same shape in any flow and any
-- database.
create function pgflow.get_flow_shape(flow_slug text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  if get_flow_shape.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Pass the slug of an existing flow.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = get_flow_shape.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', get_flow_shape.flow_slug),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;
  return pgflow._flow_shape(get_flow_shape.flow_slug);
end;
$$;

comment on function pgflow.get_flow_shape(text) is
  'the canonical shape of a flow: steps in order with slug, type and sorted deps (options apart)';

-- _normalize_shape( shape )
-- Validates the shape argument of ensure_flow and returns it in canonical
-- form (as _flow_shape builds it), without options. The argument is
--   {"steps": [{"slug": "a", "type": "single", "deps": [],
--               "options": {"max_attempts": 5, "base_delay": 1, "timeout": 30, "start_delay": 0}},
--              ...]}
-- in the order the steps are added. "type" defaults to "single", "deps" to
-- [] (and is sorted), "options" to {} (each option left out inherits the
-- flow's); a key whose value is null counts as left out. Options are never
-- part of the shape. Anything else is invalid_parameter_value naming it.
create function pgflow._normalize_shape(shape jsonb)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  c_step_keys   constant text[] := array['slug', 'type', 'deps', 'options'];
  c_option_keys constant text[] := array['max_attempts', 'base_delay', 'timeout', 'start_delay'];
  v_step  jsonb;
  v_n     bigint;
  v_where text;
  v_bad   text;
  v_value jsonb;
  v_steps jsonb := '[]'::jsonb;
  v_slugs text[] := '{}'::text[];
begin
  if _normalize_shape.shape is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'shape must not be null',
      hint    = 'Pass {"steps": [{"slug": ..., "type": ..., "deps": [...]}, ...]}.';
  end if;
  if jsonb_typeof(_normalize_shape.shape) <> 'object' or jsonb_typeof(_normalize_shape.shape -> 'steps') is distinct from 'array' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('shape must be an object with a "steps" array, got %s', left(_normalize_shape.shape::text, 200)),
      hint    = 'Pass {"steps": [{"slug": ..., "type": ..., "deps": [...]}, ...]}.';
  end if;
  select k into v_bad from jsonb_object_keys(_normalize_shape.shape) as k where k <> 'steps' order by k limit 1;
  if v_bad is not null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('shape has an unknown key "%s"', v_bad),
      hint    = 'A shape has one key, "steps".';
  end if;

  for v_step, v_n in
    select e.value, e.n from jsonb_array_elements(_normalize_shape.shape -> 'steps') with ordinality as e (value, n) order by e.n
  loop
    v_where := format('step %s of the shape', v_n);
    if jsonb_typeof(v_step) <> 'object' then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s must be an object, got %s', v_where, left(v_step::text, 200)),
        hint    = 'Each step is {"slug": ..., "type": ..., "deps": [...], "options": {...}}.';
    end if;
    v_step := (select coalesce(jsonb_object_agg(e.key, e.value), '{}')
                 from jsonb_each(v_step) as e where e.value <> 'null'::jsonb);
    if jsonb_typeof(v_step -> 'slug') is distinct from 'string' then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s needs a string "slug", got %s', v_where, coalesce((v_step -> 'slug')::text, 'none')),
        hint    = 'Each step is {"slug": ..., "type": ..., "deps": [...], "options": {...}}.';
    end if;
    v_where := format('step "%s" of the shape', v_step ->> 'slug');
    if v_step ->> 'slug' = any(v_slugs) then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s is listed twice', v_where),
        hint    = 'List each step once.';
    end if;
    v_slugs := v_slugs || (v_step ->> 'slug');
    select k into v_bad from jsonb_object_keys(v_step) as k where k <> all(c_step_keys) order by k limit 1;
    if v_bad is not null then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has an unknown key "%s"', v_where, v_bad),
        hint    = format('A step has the keys %s.', array_to_string(c_step_keys, ', '));
    end if;
    v_step := v_step || jsonb_build_object('type', coalesce(v_step -> 'type', '"single"'));
    if jsonb_typeof(v_step -> 'type') <> 'string' or v_step ->> 'type' not in ('single', 'map') then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has an unknown type %s', v_where, v_step -> 'type'),
        hint    = 'type is "single" (one task) or "map" (one task per array element).';
    end if;
    v_value := coalesce(v_step -> 'deps', '[]');
    if jsonb_typeof(v_value) <> 'array'
       or exists (select from jsonb_array_elements(v_value) as d where jsonb_typeof(d) <> 'string') then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has deps %s; deps is an array of step slugs', v_where, v_value),
        hint    = 'List the slugs of the steps it waits for, such as ["a", "b"].';
    end if;
    v_step := v_step || jsonb_build_object('deps',
      coalesce((select jsonb_agg(d order by d) from jsonb_array_elements_text(v_value) as d), '[]'));
    v_value := coalesce(v_step -> 'options', '{}');
    if jsonb_typeof(v_value) <> 'object' then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has options %s; options is an object', v_where, v_value),
        hint    = format('Options are %s.', array_to_string(c_option_keys, ', '));
    end if;
    select k into v_bad from jsonb_object_keys(v_value) as k where k <> all(c_option_keys) order by k limit 1;
    if v_bad is not null then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has an unknown option "%s"', v_where, v_bad),
        hint    = format('Options are %s.', array_to_string(c_option_keys, ', '));
    end if;
    select o.key into v_bad
      from jsonb_each(v_value) as o
     where jsonb_typeof(o.value) <> 'number'
        or o.value::text::numeric <> trunc(o.value::text::numeric)
        or o.value::text::numeric not between -2147483648 and 2147483647
     order by o.key
     limit 1;
    if v_bad is not null then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has option %s = %s; options are integers', v_where, v_bad, v_value -> v_bad),
        hint    = 'max_attempts, base_delay and start_delay are >= 0; timeout is >= 1 (seconds).';
    end if;
    perform pgflow._assert_option('max_attempts', (v_value ->> 'max_attempts')::integer, 0);
    perform pgflow._assert_option('base_delay', (v_value ->> 'base_delay')::integer, 0);
    perform pgflow._assert_option('timeout', (v_value ->> 'timeout')::integer, 1);
    perform pgflow._assert_option('start_delay', (v_value ->> 'start_delay')::integer, 0);
    v_steps := v_steps || jsonb_build_array(v_step - 'options');
  end loop;
  return jsonb_build_object('steps', v_steps);
end;
$$;

-- _shape_text( value )
-- A value of a shape as people read it: a string bare, an array of strings
-- as [a, b], anything else as JSON; none for a missing value.
create function pgflow._shape_text(value jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when value is null then 'none'
    when jsonb_typeof(value) = 'string' then value #>> '{}'
    when jsonb_typeof(value) = 'array'
         and not exists (select from jsonb_array_elements(value) as e where jsonb_typeof(e) <> 'string')
      then '[' || array_to_string(array(select jsonb_array_elements_text(value)), ', ') || ']'
    else value::text
  end;
$$;

-- _shape_diff( old_shape, new_shape )
-- Every difference between two canonical shapes, one line each, naming the
-- steps: steps added or changed (in the new order, each changed key on its
-- own line), then steps removed, then a change of order among the steps both
-- have. Empty when the shapes are equal.
create function pgflow._shape_diff(old_shape jsonb, new_shape jsonb)
returns text[]
language sql
immutable
set search_path = ''
as $$
  with o as (
    select e.value as step, e.value ->> 'slug' as slug, e.n
      from jsonb_array_elements(old_shape -> 'steps') with ordinality as e (value, n)
  ), n as (
    select e.value as step, e.value ->> 'slug' as slug, e.n
      from jsonb_array_elements(new_shape -> 'steps') with ordinality as e (value, n)
  ), lines as (
    select 1 as grp, n.n as pos, '' as k,
           format('step "%s" added: %s', n.slug,
                  (select string_agg(format('%s %s', e.key, pgflow._shape_text(e.value)), ', ' order by e.key)
                     from jsonb_each(n.step) as e where e.key <> 'slug')) as line
      from n
     where not exists (select from o where o.slug = n.slug)
    union all
    select 1, n.n, k.key,
           format('step "%s" %s changed: %s -> %s', n.slug, k.key,
                  pgflow._shape_text(o.step -> k.key), pgflow._shape_text(n.step -> k.key))
      from n
      join o on o.slug = n.slug
     cross join lateral (select jsonb_object_keys(o.step) union select jsonb_object_keys(n.step)) as k (key)
     where k.key <> 'slug' and (o.step -> k.key) is distinct from (n.step -> k.key)
    union all
    select 2, o.n, '', format('step "%s" removed', o.slug)
      from o
     where not exists (select from n where n.slug = o.slug)
    union all
    select 3, 0, '', format('step order changed: %s -> %s',
                            array_to_string(x.old_order, ', '), array_to_string(x.new_order, ', '))
      from (select array(select o.slug from o where exists (select from n where n.slug = o.slug) order by o.n) as old_order,
                   array(select n.slug from n where exists (select from o where o.slug = n.slug) order by n.n) as new_order) as x
     where x.old_order <> x.new_order
  )
  select coalesce(array_agg(l.line order by l.grp, l.pos, l.k), '{}') from lines as l;
$$;

-- ensure_flow( flow_slug, shape, max_attempts, base_delay, timeout )
-- Registers a flow with all its steps, all or nothing, and refuses drift:
-- - the flow does not exist: creates it (create_flow) and adds the steps of
--   shape in order (add_step), with their options; any error leaves nothing;
-- - it exists with the same shape: a no-op that returns the flow row. Options
--   (the flow's and the steps') are not part of the shape and not applied:
--   change them with set_flow_options and set_step_options (a notice names
--   the given options that differ from the stored ones);
-- - it exists with another shape: duplicate_object, the message listing every
--   difference on a line of its own.
-- shape is {"steps": [{"slug", "type", "deps", "options"}, ...]} (see
-- _normalize_shape). Options left out (null) get create_flow's defaults.
-- Calls for the same slug take turns (a transaction-level advisory lock), so
-- two sessions ensuring one new flow at once both succeed: one creates it, the
-- other then finds it.
create function pgflow.ensure_flow(
  flow_slug    text,
  shape        jsonb,
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null
)
returns pgflow.flows
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_shape jsonb;
  v_old   jsonb;
  v_flow  pgflow.flows%rowtype;
  v_step  jsonb;
  v_opts  jsonb;
  v_diff  text[];
begin
  perform pgflow._assert_slug('flow', ensure_flow.flow_slug);
  v_shape := pgflow._normalize_shape(ensure_flow.shape);
  perform pgflow._assert_option('max_attempts', ensure_flow.max_attempts, 0);
  perform pgflow._assert_option('base_delay', ensure_flow.base_delay, 0);
  perform pgflow._assert_option('timeout', ensure_flow.timeout, 1);

  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('pgflow.ensure_flow ' || lower(ensure_flow.flow_slug), 0));

  select * into v_flow from pgflow.flows as f where f.flow_slug = ensure_flow.flow_slug;
  if found then
    v_old := pgflow._flow_shape(ensure_flow.flow_slug);
    if v_old = v_shape then
      -- Options are not applied, but a difference is worth a notice.
      v_diff := array(
        select format('%s %s (given %s)', o.name, o.stored, o.given)
          from (values (1, 'max_attempts', v_flow.opt_max_attempts, ensure_flow.max_attempts),
                       (2, 'base_delay', v_flow.opt_base_delay, ensure_flow.base_delay),
                       (3, 'timeout', v_flow.opt_timeout, ensure_flow.timeout)) as o (n, name, stored, given)
         where o.given <> o.stored
         order by o.n)
        || array(
        select format('step "%s" %s %s (given %s)', s.step_slug, o.name,
                      coalesce(o.stored::text, 'inherited'), coalesce(o.given::text, 'inherited'))
          from jsonb_array_elements(ensure_flow.shape -> 'steps') as e (step)
          join pgflow.steps as s on s.flow_slug = ensure_flow.flow_slug and s.step_slug = e.step ->> 'slug'
         cross join lateral (values (1, 'max_attempts', s.opt_max_attempts, (e.step -> 'options' ->> 'max_attempts')::integer),
                                    (2, 'base_delay', s.opt_base_delay, (e.step -> 'options' ->> 'base_delay')::integer),
                                    (3, 'timeout', s.opt_timeout, (e.step -> 'options' ->> 'timeout')::integer),
                                    (4, 'start_delay', s.opt_start_delay, (e.step -> 'options' ->> 'start_delay')::integer))
                       as o (n, name, stored, given)
         where o.stored is distinct from o.given
         order by s.step_index, o.n);
      if cardinality(v_diff) > 0 then
        raise notice using
          message = format('flow "%s" has this shape already; its options stay as they are: %s',
                           ensure_flow.flow_slug, array_to_string(v_diff, ', ')),
          hint    = 'Options are not part of the shape: change them with pgflow.set_flow_options and pgflow.set_step_options.';
      end if;
      return v_flow;
    end if;
    v_diff := pgflow._shape_diff(v_old, v_shape);
    raise exception using
      errcode = 'duplicate_object',
      message = format(E'flow "%s" already exists with another shape:\n  %s',
                       ensure_flow.flow_slug, array_to_string(v_diff, E'\n  ')),
      detail  = format('shape_hash in the database %s, of the given shape %s',
                       v_flow.shape_hash, pgflow._shape_hash(v_shape)),
      hint    = format('Flows are immutable: register the new shape under a new flow slug (such as "%s_v2"), '
                       'or, in development, remove the old flow with pgflow.delete_flow_and_data(%L).',
                       ensure_flow.flow_slug, ensure_flow.flow_slug);
  end if;

  perform pgflow.create_flow(ensure_flow.flow_slug,
                             coalesce(ensure_flow.max_attempts, 3),
                             coalesce(ensure_flow.base_delay, 1),
                             coalesce(ensure_flow.timeout, 60));
  for v_step in
    select e.value from jsonb_array_elements(ensure_flow.shape -> 'steps') with ordinality as e (value, n) order by e.n
  loop
    v_opts := coalesce(nullif(v_step -> 'options', 'null'), '{}');
    perform pgflow.add_step(ensure_flow.flow_slug, v_step ->> 'slug',
                            array(select jsonb_array_elements_text(coalesce(nullif(v_step -> 'deps', 'null'), '[]'))),
                            max_attempts => (v_opts ->> 'max_attempts')::integer,
                            base_delay   => (v_opts ->> 'base_delay')::integer,
                            timeout      => (v_opts ->> 'timeout')::integer,
                            start_delay  => (v_opts ->> 'start_delay')::integer,
                            step_type    => coalesce(v_step ->> 'type', 'single'));
  end loop;

  select * into strict v_flow from pgflow.flows as f where f.flow_slug = ensure_flow.flow_slug;
  return v_flow;
end;
$$;

comment on function pgflow.ensure_flow(text, jsonb, integer, integer, integer) is
  'creates a flow with all its steps, or checks that the existing one has the same shape (a no-op) and lists every difference otherwise';

-- set_flow_options( flow_slug, max_attempts, base_delay, timeout )
-- Changes a flow's options; null leaves an option as it is. Allowed while runs
-- exist: the engine reads options when it needs them, so a new timeout counts
-- from the next start_tasks, a new max_attempts or base_delay from the next
-- fail_task (the retry decision and its delay), for tasks of runs already
-- going as well as new ones. Options are not part of the shape: the shape and
-- shape_hash stay as they are.
create function pgflow.set_flow_options(
  flow_slug    text,
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null
)
returns pgflow.flows
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flow pgflow.flows%rowtype;
begin
  if set_flow_options.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Pass the slug of an existing flow.';
  end if;
  perform pgflow._assert_option('max_attempts', set_flow_options.max_attempts, 0);
  perform pgflow._assert_option('base_delay', set_flow_options.base_delay, 0);
  perform pgflow._assert_option('timeout', set_flow_options.timeout, 1);

  update pgflow.flows as f
     set opt_max_attempts = coalesce(set_flow_options.max_attempts, f.opt_max_attempts),
         opt_base_delay   = coalesce(set_flow_options.base_delay, f.opt_base_delay),
         opt_timeout      = coalesce(set_flow_options.timeout, f.opt_timeout)
   where f.flow_slug = set_flow_options.flow_slug
  returning * into v_flow;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', set_flow_options.flow_slug),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;
  return v_flow;
end;
$$;

comment on function pgflow.set_flow_options(text, integer, integer, integer) is
  'changes a flow''s options (null leaves one as it is); affects tasks started or failed afterwards';

-- set_step_options( flow_slug, step_slug, max_attempts, base_delay, timeout, start_delay, inherit )
-- Changes a step's options; null leaves an option as it is, and the options
-- named in inherit go back to inheriting the flow's (start_delay: to none).
-- Allowed while runs exist: a new timeout counts from the next start_tasks,
-- max_attempts and base_delay from the next fail_task, start_delay for the
-- step's tasks queued afterwards. Options are not part of the shape: the
-- shape and shape_hash stay as they are.
create function pgflow.set_step_options(
  flow_slug    text,
  step_slug    text,
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null,
  start_delay  integer default null,
  inherit      text[]  default '{}'
)
returns pgflow.steps
language plpgsql
volatile
set search_path = ''
as $$
declare
  c_options constant text[] := array['max_attempts', 'base_delay', 'timeout', 'start_delay'];
  v_inherit text[] := coalesce(set_step_options.inherit, '{}');
  v_bad     text;
  v_step    pgflow.steps%rowtype;
begin
  if set_step_options.flow_slug is null or set_step_options.step_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug and step slug must not be null',
      hint    = 'Pass the slugs of an existing flow and one of its steps.';
  end if;
  perform pgflow._assert_option('max_attempts', set_step_options.max_attempts, 0);
  perform pgflow._assert_option('base_delay', set_step_options.base_delay, 0);
  perform pgflow._assert_option('timeout', set_step_options.timeout, 1);
  perform pgflow._assert_option('start_delay', set_step_options.start_delay, 0);
  select coalesce(i, 'NULL') into v_bad from unnest(v_inherit) as i where i is null or i <> all(c_options) limit 1;
  if v_bad is not null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('unknown option "%s" in inherit', v_bad),
      hint    = format('inherit lists options among %s.', array_to_string(c_options, ', '));
  end if;
  select o.name into v_bad
    from unnest(c_options, array[set_step_options.max_attempts, set_step_options.base_delay,
                                 set_step_options.timeout, set_step_options.start_delay]) as o (name, value)
   where o.value is not null and o.name = any(v_inherit)
   limit 1;
  if v_bad is not null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('option %s is both given and listed in inherit', v_bad),
      hint    = 'Either set an option or let it inherit the flow''s, not both.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = set_step_options.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', set_step_options.flow_slug),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;

  update pgflow.steps as s
     set opt_max_attempts = case when 'max_attempts' = any(v_inherit) then null
                                 else coalesce(set_step_options.max_attempts, s.opt_max_attempts) end,
         opt_base_delay   = case when 'base_delay' = any(v_inherit) then null
                                 else coalesce(set_step_options.base_delay, s.opt_base_delay) end,
         opt_timeout      = case when 'timeout' = any(v_inherit) then null
                                 else coalesce(set_step_options.timeout, s.opt_timeout) end,
         opt_start_delay  = case when 'start_delay' = any(v_inherit) then null
                                 else coalesce(set_step_options.start_delay, s.opt_start_delay) end
   where s.flow_slug = set_step_options.flow_slug and s.step_slug = set_step_options.step_slug
  returning * into v_step;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('step "%s" does not exist in flow "%s"', set_step_options.step_slug, set_step_options.flow_slug),
      hint    = 'Look the flow''s steps up with pgflow.get_flow_shape().';
  end if;
  return v_step;
end;
$$;

comment on function pgflow.set_step_options(text, text, integer, integer, integer, integer, text[]) is
  'changes a step''s options (null leaves one as it is, inherit resets some to the flow''s); affects tasks queued, started or failed afterwards';

-- delete_flow_and_data( flow_slug )
-- For development: removes a flow and everything of it, all or nothing: its
-- runs with their step_states and step_tasks, its steps and deps, the flow,
-- its pgmq queue (with its archive), and, where pg_cron is installed, the
-- cron jobs that schedule_flow made to start it (those whose command is
-- select pgflow.start_flow('<flow_slug>', ...)). Workers registered on its
-- queue stay in pgflow.workers. Waits for runs of it being started.
create function pgflow.delete_flow_and_data(flow_slug text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron calls it runs are dynamic, so the check cannot see that they write)
declare
  v_prefix text;
  v_jobs   bigint[];
  v_job    bigint;
begin
  if delete_flow_and_data.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Pass the slug of an existing flow.';
  end if;
  perform from pgflow.flows as f where f.flow_slug = delete_flow_and_data.flow_slug for update;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', delete_flow_and_data.flow_slug),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;

  delete from pgflow.step_tasks as t where t.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.step_states as ss where ss.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.runs as r where r.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.deps as d where d.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.steps as s where s.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.flows as f where f.flow_slug = delete_flow_and_data.flow_slug;
  perform pgmq.drop_queue(delete_flow_and_data.flow_slug);

  if to_regclass('cron.job') is not null then
    v_prefix := format('select pgflow.start_flow(%L, ', delete_flow_and_data.flow_slug);
    execute format('select array(select j.jobid from %s as j where left(j.command, length($1)) = $1 order by j.jobid)',
                   to_regclass('cron.job'))
      into v_jobs
      using v_prefix;
    foreach v_job in array v_jobs loop
      execute format('select %s($1)', pgflow._cron_function('cron.unschedule(bigint)')::regproc) using v_job;
    end loop;
  end if;
end;
$$;

comment on function pgflow.delete_flow_and_data(text) is
  'for development: removes a flow with its runs, steps, queue and schedule_flow cron jobs';

-- create_flow( flow_slug, max_attempts, base_delay, timeout )
-- Defines a flow and creates its pgmq queue (named after the flow).
-- Flows are immutable: calling it again with the same options returns the
-- existing flow and changes nothing; other options under the same slug are an
-- error that names each difference.
create or replace function pgflow.create_flow(
  flow_slug    text,
  max_attempts integer default 3,
  base_delay   integer default 1,
  timeout      integer default 60
)
returns pgflow.flows
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flow pgflow.flows%rowtype;
  v_diff text[];
begin
  perform pgflow._assert_slug('flow', create_flow.flow_slug);
  if length(create_flow.flow_slug) > 47 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('flow slug "%s" is longer than 47 characters', create_flow.flow_slug),
      hint    = 'The flow''s pgmq queue is named after it, and pgmq queue names are at most 47 characters.';
  end if;
  if create_flow.max_attempts is null or create_flow.base_delay is null or create_flow.timeout is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('options of flow "%s" must not be null', create_flow.flow_slug),
      hint    = 'Leave an option out to get its default: max_attempts 3, base_delay 1, timeout 60.';
  end if;
  perform pgflow._assert_option('max_attempts', create_flow.max_attempts, 0);
  perform pgflow._assert_option('base_delay', create_flow.base_delay, 0);
  perform pgflow._assert_option('timeout', create_flow.timeout, 1);

  insert into pgflow.flows (flow_slug, opt_max_attempts, opt_base_delay, opt_timeout)
  values (create_flow.flow_slug, create_flow.max_attempts, create_flow.base_delay, create_flow.timeout)
  on conflict do nothing
  returning * into v_flow;

  if found then
    perform pgmq.create(create_flow.flow_slug);
    return pgflow._store_shape_hash(create_flow.flow_slug);
  end if;

  -- The slug, or one that differs only in case, is taken.
  select * into strict v_flow
    from pgflow.flows as f
   where lower(f.flow_slug) = lower(create_flow.flow_slug);

  if v_flow.flow_slug <> create_flow.flow_slug then
    raise exception using
      errcode = 'duplicate_object',
      message = format('flow slug "%s" collides with existing flow "%s"', create_flow.flow_slug, v_flow.flow_slug),
      hint    = 'pgmq names queue tables in lower case, so flow slugs must differ in more than case.';
  end if;

  v_diff := array_remove(array[
    case when v_flow.opt_max_attempts <> create_flow.max_attempts
      then format('max_attempts %s -> %s', v_flow.opt_max_attempts, create_flow.max_attempts) end,
    case when v_flow.opt_base_delay <> create_flow.base_delay
      then format('base_delay %s -> %s', v_flow.opt_base_delay, create_flow.base_delay) end,
    case when v_flow.opt_timeout <> create_flow.timeout
      then format('timeout %s -> %s', v_flow.opt_timeout, create_flow.timeout) end
  ], null);

  if cardinality(v_diff) > 0 then
    raise exception using
      errcode = 'duplicate_object',
      message = format('flow "%s" already exists with other options: %s',
                       create_flow.flow_slug, array_to_string(v_diff, ', ')),
      hint    = 'Flows are immutable: give the new definition a new slug.';
  end if;

  return v_flow;
end;
$$;

comment on function pgflow.create_flow(text, integer, integer, integer) is
  'defines a flow and its pgmq queue; the same call again is a no-op, other options under the same slug an error';

-- add_step( flow_slug, step_slug, deps_slugs, max_attempts, base_delay, timeout, start_delay, step_type )
-- add_step( flow_slug, step_slug, max_attempts, base_delay, timeout, start_delay, step_type )
-- Appends a step to a flow. Dependencies must exist already, so steps are
-- always added in topological order and cycles cannot be built. Adding the same
-- step again is a no-op; a different definition under an existing step slug,
-- or a new step in a flow that already has runs, is an error.
create or replace function pgflow.add_step(
  flow_slug    text,
  step_slug    text,
  deps_slugs   text[],
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null,
  start_delay  integer default null,
  step_type    text    default 'single'
)
returns pgflow.steps
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_deps     text[] := coalesce(add_step.deps_slugs, '{}');
  v_step     pgflow.steps%rowtype;
  v_bad      text;
  v_old_deps text[];
  v_diff     text[];
begin
  perform pgflow._assert_slug('flow', add_step.flow_slug);
  perform pgflow._assert_slug('step', add_step.step_slug);

  -- One add_step at a time per flow, and none while a run of it starts.
  perform from pgflow.flows as f where f.flow_slug = add_step.flow_slug for update;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', add_step.flow_slug),
      hint    = 'Create it first with pgflow.create_flow().';
  end if;

  if add_step.step_type is null or add_step.step_type not in ('single', 'map') then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid step_type "%s" for step "%s"', coalesce(add_step.step_type, 'NULL'), add_step.step_slug),
      hint    = 'step_type is "single" (one task) or "map" (one task per array element).';
  end if;
  perform pgflow._assert_option('max_attempts', add_step.max_attempts, 0);
  perform pgflow._assert_option('base_delay', add_step.base_delay, 0);
  perform pgflow._assert_option('timeout', add_step.timeout, 1);
  perform pgflow._assert_option('start_delay', add_step.start_delay, 0);

  if array_position(v_deps, null) is not null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('dependencies of step "%s" must not contain null', add_step.step_slug),
      hint    = 'List the slugs of existing steps.';
  end if;
  select d into v_bad from unnest(v_deps) as d group by d having count(*) > 1 order by d limit 1;
  if v_bad is not null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('dependency "%s" is listed twice for step "%s"', v_bad, add_step.step_slug),
      hint    = 'List each dependency once.';
  end if;
  if add_step.step_slug = any(v_deps) then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('step "%s" cannot depend on itself', add_step.step_slug),
      hint    = 'A flow is a directed acyclic graph: a step depends only on steps added before it.';
  end if;
  if add_step.step_type = 'map' and cardinality(v_deps) > 1 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('map step "%s" has %s dependencies; a map step has at most one',
                       add_step.step_slug, cardinality(v_deps)),
      hint    = 'A map step maps over the run input (no dependency) or over one step''s array output.';
  end if;

  -- The same step again is a no-op; another definition under its slug is an error.
  select * into v_step
    from pgflow.steps as s
   where s.flow_slug = add_step.flow_slug and s.step_slug = add_step.step_slug;
  if found then
    v_old_deps := array(select d.dep_slug from pgflow.deps as d
                         where d.flow_slug = add_step.flow_slug and d.step_slug = add_step.step_slug
                         order by d.dep_slug);
    v_diff := array_remove(array[
      case when v_step.step_type <> add_step.step_type
        then format('step_type %s -> %s', v_step.step_type, add_step.step_type) end,
      case when v_old_deps <> array(select d from unnest(v_deps) as d order by d)
        then format('deps [%s] -> [%s]', array_to_string(v_old_deps, ', '),
                    array_to_string(array(select d from unnest(v_deps) as d order by d), ', ')) end,
      case when v_step.opt_max_attempts is distinct from add_step.max_attempts
        then format('max_attempts %s -> %s', coalesce(v_step.opt_max_attempts::text, 'default'),
                    coalesce(add_step.max_attempts::text, 'default')) end,
      case when v_step.opt_base_delay is distinct from add_step.base_delay
        then format('base_delay %s -> %s', coalesce(v_step.opt_base_delay::text, 'default'),
                    coalesce(add_step.base_delay::text, 'default')) end,
      case when v_step.opt_timeout is distinct from add_step.timeout
        then format('timeout %s -> %s', coalesce(v_step.opt_timeout::text, 'default'),
                    coalesce(add_step.timeout::text, 'default')) end,
      case when v_step.opt_start_delay is distinct from add_step.start_delay
        then format('start_delay %s -> %s', coalesce(v_step.opt_start_delay::text, 'default'),
                    coalesce(add_step.start_delay::text, 'default')) end
    ], null);
    if cardinality(v_diff) > 0 then
      raise exception using
        errcode = 'duplicate_object',
        message = format('step "%s" already exists in flow "%s" with another definition: %s',
                         add_step.step_slug, add_step.flow_slug, array_to_string(v_diff, ', ')),
        hint    = 'Flows are immutable: give the new definition a new flow slug.';
    end if;
    return v_step;
  end if;

  select d into v_bad
    from unnest(v_deps) with ordinality as u(d, n)
   where not exists (select from pgflow.steps as s
                      where s.flow_slug = add_step.flow_slug and s.step_slug = u.d)
   order by u.n
   limit 1;
  if v_bad is not null then
    raise exception using
      errcode = 'undefined_object',
      message = format('step "%s" does not exist in flow "%s"', v_bad, add_step.flow_slug),
      hint    = 'Add dependencies before the steps that use them.';
  end if;

  if exists (select from pgflow.runs as r where r.flow_slug = add_step.flow_slug) then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" already has runs; step "%s" cannot be added', add_step.flow_slug, add_step.step_slug),
      hint    = 'A flow''s shape is frozen once it has run: define the new shape under a new flow slug.';
  end if;

  insert into pgflow.steps (flow_slug, step_slug, step_type, step_index, deps_count,
                            opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay)
  select add_step.flow_slug, add_step.step_slug, add_step.step_type,
         coalesce(max(s.step_index) + 1, 0), cardinality(v_deps),
         add_step.max_attempts, add_step.base_delay, add_step.timeout, add_step.start_delay
    from pgflow.steps as s
   where s.flow_slug = add_step.flow_slug
  returning * into strict v_step;

  insert into pgflow.deps (flow_slug, dep_slug, step_slug)
  select add_step.flow_slug, d, add_step.step_slug from unnest(v_deps) as d;
  perform pgflow._store_shape_hash(add_step.flow_slug);

  return v_step;
end;
$$;

create or replace function pgflow.add_step(
  flow_slug    text,
  step_slug    text,
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null,
  start_delay  integer default null,
  step_type    text    default 'single'
)
returns pgflow.steps
language sql
volatile
set search_path = ''
as $$
  select pgflow.add_step(flow_slug, step_slug, '{}'::text[], max_attempts, base_delay, timeout, start_delay, step_type);
$$;

comment on function pgflow.add_step(text, text, text[], integer, integer, integer, integer, text) is
  'appends a step that waits for deps_slugs; the same step again is a no-op';
comment on function pgflow.add_step(text, text, integer, integer, integer, integer, text) is
  'appends a step with no dependencies; the same step again is a no-op';

update pgflow.flows as f set shape_hash = pgflow._shape_hash(pgflow._flow_shape(f.flow_slug));

revoke all on function pgflow._flow_shape(text) from public;
revoke all on function pgflow._shape_hash(jsonb) from public;
revoke all on function pgflow._store_shape_hash(text) from public;
revoke all on function pgflow._normalize_shape(jsonb) from public;
revoke all on function pgflow._shape_text(jsonb) from public;
revoke all on function pgflow._shape_diff(jsonb, jsonb) from public;
