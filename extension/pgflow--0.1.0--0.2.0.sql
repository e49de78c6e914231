\echo Use "ALTER EXTENSION pgflow UPDATE TO '0.2.0'" to load this file. \quit
-- Changes between pgflow 0.1.0 and 0.2.0.
-- pg_cron schedules (schedule_flow, unschedule_flow, schedule_maintenance) and
-- maintenance (requeue_stalled_tasks, prune). pg_cron stays optional.
-- Events: pgflow.notify = auto (the default) sends pg_notify only to the channels
-- someone subscribed to (pgflow.subscribe); on always, off never (_emit_event).
-- complete_tasks(tasks jsonb): complete_task for a batch in one transaction.

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

-- _emit_event: pgflow.notify = auto (the default) notifies only subscribed channels, on always, off never (same signature, grants kept).
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
  v_send    regprocedure := to_regprocedure('realtime.send(jsonb, text, text, boolean)');
  v_mode    text := lower(coalesce(nullif(current_setting('pgflow.notify', true), ''), 'auto'));
  v_channel text;
begin
  case
    when v_mode in ('on', 'true', '1') then
      perform pg_notify('pgflow_events', v_message);
      perform pg_notify(flow_slug, v_message);
    when v_mode = 'auto' then
      for v_channel in
        select s.channel from pgflow.subscriptions as s
         where s.channel in ('pgflow_events', _emit_event.flow_slug) and s.expires_at > clock_timestamp()
         order by s.channel <> 'pgflow_events'
      loop
        perform pg_notify(v_channel, v_message);
      end loop;
    when v_mode in ('off', 'false', '0') then
      null;
    else
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('invalid value for pgflow.notify: "%s"', left(v_mode, 100)),
        hint    = 'pgflow.notify is auto (notify subscribed channels), on (always) or off (never).';
  end case;

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

-- Subscriptions: pg_notify only where someone listens.
-- Who wants events right now: one row per notification channel ('pgflow_events'
-- or a flow slug) while someone listens to it, until expires_at. Listeners
-- renew their subscription (pgflow.subscribe) while they listen; pg_notify is
-- only paid for where someone listens (see _emit_event). Unlogged: after a
-- crash the table is empty and listeners subscribe again when they renew.
create unlogged table pgflow.subscriptions (
  channel    text        not null primary key,
  expires_at timestamptz not null
);

-- subscribe( channel, ttl )
-- Asks for pg_notify events on a channel ('pgflow_events' for every flow, or
-- a flow's slug for its runs) for the next ttl (at most a day), and returns
-- until when. A listener calls it before LISTEN and again before it expires;
-- several listeners of one channel share its subscription, which lasts as long
-- as the latest of them asked. With pgflow.notify = auto (the default) events
-- go only to subscribed channels; on sends them everywhere, off nowhere.
create function pgflow.subscribe(channel text, ttl interval default interval '2 minutes')
returns timestamptz
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_expires_at timestamptz;
begin
  if subscribe.channel is null or subscribe.ttl is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'channel and ttl must not be null',
      hint    = 'Subscribe to ''pgflow_events'' or to a flow''s slug, for an interval such as ''2 minutes''.';
  end if;
  if subscribe.channel <> 'pgflow_events'
     and not exists (select from pgflow.flows as f where f.flow_slug = subscribe.channel) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(subscribe.channel, 200)),
      hint    = 'Events go to the channel pgflow_events and to a channel named after each flow.';
  end if;
  if subscribe.ttl <= interval '0' or subscribe.ttl > interval '1 day' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('ttl %s is out of range', subscribe.ttl),
      hint    = 'A subscription lasts more than 0 and at most 1 day; renew it while you listen.';
  end if;

  insert into pgflow.subscriptions as s (channel, expires_at)
  values (subscribe.channel, clock_timestamp() + subscribe.ttl)
  on conflict on constraint subscriptions_pkey do update
     set expires_at = greatest(s.expires_at, excluded.expires_at)
  returning s.expires_at into v_expires_at;
  return v_expires_at;
end;
$$;

comment on function pgflow.subscribe(text, interval) is
  'asks for pg_notify events on a channel (pgflow_events or a flow slug) for a while';

-- complete_tasks: complete_task for a batch, one transaction, runs locked in run_id order.
-- complete_tasks( tasks )
-- complete_task for many tasks in one transaction: tasks is a JSON array of
--   {"run_id": "<uuid>", "step_slug": "<slug>", "task_index": <n>, "output": <json>}
-- (task_index defaults to 0). A worker that ran a batch of tasks reports them
-- in one call: one commit instead of one per task. The runs are locked first,
-- in run_id order, so that batches racing over the same runs cannot deadlock;
-- then each task completes exactly as complete_task does, and the completed
-- ones are returned. A task that complete_task would ignore (not started, or
-- its run finished) is ignored here too; an unknown run, step or task is an
-- error and nothing of the batch is kept.
create function pgflow.complete_tasks(tasks jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_bad  record;
  v_task record;
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
    return query select * from pgflow.complete_task(v_task.run_id, v_task.step_slug, v_task.task_index, v_task.output);
  end loop;
end;
$$;

comment on function pgflow.complete_tasks(jsonb) is
  'completes a batch of started tasks in one transaction, locking their runs in a fixed order';
