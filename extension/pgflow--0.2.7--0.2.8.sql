\echo Use "ALTER EXTENSION pgflow UPDATE TO '0.2.8'" to load this file. \quit
-- Changes between pgflow 0.2.7 and 0.2.8 (CHANGELOG.md says what and why):
--  - one failure path: _fail_tasks fails any number of started tasks at once,
--    and fail_task, start_tasks and requeue_stalled_tasks all use it;
--  - a drop-in for upstream 0.8.1's SQL callers: add_step is one function
--    (deps_slugs defaults to '{}'; the overload without deps_slugs is
--    dropped), start_tasks and set_vt_batch take NULL arrays as no messages,
--    complete_task takes an SQL NULL output as JSON null, set_vt_batch serves
--    any pgmq queue the caller may update, run:started carries the run input
--    and step events carry started_at, start_ready_steps, maybe_complete_run
--    and cascade_complete_taskless_steps exist for upstream's callers, and two
--    constraints carry upstream's names.
-- Functions whose signature stays are replaced (create or replace keeps owner
-- and grants; their headers state security definer where it applies).

-- add_step: the overload without deps_slugs goes (a positional call with an
-- untyped third argument could not tell the two apart); the other one gets
-- deps_slugs default '{}' below.
drop function pgflow.add_step(text, text, integer, integer, integer, integer, text, jsonb, jsonb, text);

-- Constraints under upstream 0.8.1's names.
alter table pgflow.steps rename constraint steps_step_index_key to steps_flow_slug_step_index_key;
alter table pgflow.step_states
  add constraint initial_tasks_known_when_started check (status <> 'started' or initial_tasks is not null);

-- changed in 0.2.8 (sql/0140_function_add_step.sql)
-- add_step( flow_slug, step_slug, deps_slugs = '{}', max_attempts, base_delay, timeout, start_delay,
--           step_type, run_if, run_unless, when_unmet )
-- One function, as upstream pgflow 0.8.1 has it (deps_slugs defaults to no
-- dependencies), so that every call form upstream code uses resolves to it:
-- positional, named or mixed, with NULLs and untyped literals. A second
-- overload without deps_slugs (0.2.0 to 0.2.7) made a positional call such
-- as add_step('f', 'm', '{}', null, null, null, null, 'map') ambiguous: an
-- untyped third argument fits text[] and integer alike. The contract's
-- no-dependency form add_step(flow, step) still works, and so does naming
-- an option (add_step(flow, step, max_attempts => 5)); only an option passed
-- by position without deps (add_step(flow, step, 5)) must be named now.
-- Appends a step to a flow. Dependencies must exist already, so steps are
-- always added in topological order and cycles cannot be built. Adding the same
-- step again is a no-op; a different definition under an existing step slug,
-- or a new step in a flow that already has runs, is an error.
--
-- Conditions: run_if and run_unless are JSON objects, containment patterns
-- (@>) over the step's input {"run": <run input>, "<dep>": <dep output>, ...};
-- their top-level keys name "run" or direct dependencies. The step runs when
-- its input contains run_if (if set) and does not contain run_unless (if set);
-- otherwise when_unmet decides: 'skip' (the step is skipped, its dependents run
-- without its key), 'skip_cascade' (it and everything downstream is skipped)
-- or 'fail' (the run fails). Patterns are data: no SQL is ever evaluated.
create or replace function pgflow.add_step(
  flow_slug    text,
  step_slug    text,
  deps_slugs   text[]  default '{}',
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null,
  start_delay  integer default null,
  step_type    text    default 'single',
  run_if       jsonb   default null,
  run_unless   jsonb   default null,
  when_unmet   text    default 'skip'
)
returns pgflow.steps
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_deps     text[] := coalesce(add_step.deps_slugs, '{}');
  v_step     pgflow.steps%rowtype;
  v_bad      text;
  v_old_deps text[];
  v_diff     text[];
  v_cond     record;
begin
  perform pgflow._assert_slug('flow', add_step.flow_slug);
  perform pgflow._assert_slug('step', add_step.step_slug);

  -- One add_step at a time per flow, and none while a run of it starts.
  perform from pgflow.flows as f where f.flow_slug = add_step.flow_slug for update;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(add_step.flow_slug, 200)),
      hint    = 'Create it first with pgflow.create_flow().';
  end if;

  if add_step.step_type is null or add_step.step_type not in ('single', 'map') then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid step_type "%s" for step "%s"', coalesce(left(add_step.step_type, 200), 'NULL'), add_step.step_slug),
      hint    = 'step_type is "single" (one task) or "map" (one task per array element).';
  end if;
  perform pgflow._assert_option('max_attempts', add_step.max_attempts, 0);
  perform pgflow._assert_option('base_delay', add_step.base_delay, 0);
  perform pgflow._assert_option('timeout', add_step.timeout, 1);
  perform pgflow._assert_option('start_delay', add_step.start_delay, 0);

  if add_step.when_unmet is null or add_step.when_unmet not in ('skip', 'skip_cascade', 'fail') then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid when_unmet "%s" for step "%s"', coalesce(left(add_step.when_unmet, 200), 'NULL'), add_step.step_slug),
      hint    = 'when_unmet is "skip" (skip the step), "skip_cascade" (skip it and everything after it) or "fail" (fail the run).';
  end if;

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
      message = format('dependency "%s" is listed twice for step "%s"', left(v_bad, 200), add_step.step_slug),
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
      -- upstream pgflow 0.8.1's words, which name the dependencies
      message = format('Map step "%s" can have at most one dependency, but %s were provided: %s',
                       add_step.step_slug, cardinality(v_deps), left(array_to_string(v_deps, ', '), 1000)),
      hint    = 'A map step maps over the run input (no dependency) or over one step''s array output.';
  end if;

  -- A condition is a JSON object whose top-level keys are "run" or direct dependencies.
  for v_cond in
    select c.name, c.pattern
      from (values (1, 'run_if', add_step.run_if), (2, 'run_unless', add_step.run_unless)) as c (n, name, pattern)
     where c.pattern is not null
     order by c.n
  loop
    if jsonb_typeof(v_cond.pattern) <> 'object' then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s of step "%s" must be a JSON object, got %s',
                         v_cond.name, add_step.step_slug, jsonb_typeof(v_cond.pattern)),
        hint    = 'A condition is a pattern the step''s input must contain, such as {"run": {"plan": "pro"}}.';
    end if;
    select k into v_bad
      from jsonb_object_keys(v_cond.pattern) as k
     where k <> 'run' and not k = any(v_deps)
     order by k
     limit 1;
    if v_bad is not null then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s of step "%s" refers to "%s", which is neither "run" nor a dependency of the step',
                         v_cond.name, add_step.step_slug, left(v_bad, 200)),
        hint    = format('The keys of a condition name the step''s input: %s.',
                         left(array_to_string(array['run'] || array(select d from unnest(v_deps) as d order by d), ', '), 1000));
    end if;
  end loop;

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
        then format('deps [%s] -> [%s]', left(array_to_string(v_old_deps, ', '), 1000),
                    left(array_to_string(array(select d from unnest(v_deps) as d order by d), ', '), 1000)) end,
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
                    coalesce(add_step.start_delay::text, 'default')) end,
      case when v_step.run_if is distinct from add_step.run_if
        then format('run_if %s -> %s', coalesce(left(v_step.run_if::text, 200), 'none'), coalesce(left(add_step.run_if::text, 200), 'none')) end,
      case when v_step.run_unless is distinct from add_step.run_unless
        then format('run_unless %s -> %s', coalesce(left(v_step.run_unless::text, 200), 'none'),
                    coalesce(left(add_step.run_unless::text, 200), 'none')) end,
      case when v_step.when_unmet <> add_step.when_unmet
        then format('when_unmet %s -> %s', v_step.when_unmet, add_step.when_unmet) end
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
      message = format('step "%s" does not exist in flow "%s"', left(v_bad, 200), add_step.flow_slug),
      hint    = 'Add dependencies before the steps that use them.';
  end if;

  if exists (select from pgflow.runs as r where r.flow_slug = add_step.flow_slug) then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" already has runs; step "%s" cannot be added', add_step.flow_slug, add_step.step_slug),
      hint    = 'A flow''s shape is frozen once it has run: define the new shape under a new flow slug.';
  end if;

  insert into pgflow.steps (flow_slug, step_slug, step_type, step_index, deps_count,
                            opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay,
                            run_if, run_unless, when_unmet)
  select add_step.flow_slug, add_step.step_slug, add_step.step_type,
         coalesce(max(s.step_index) + 1, 0), cardinality(v_deps),
         add_step.max_attempts, add_step.base_delay, add_step.timeout, add_step.start_delay,
         add_step.run_if, add_step.run_unless, add_step.when_unmet
    from pgflow.steps as s
   where s.flow_slug = add_step.flow_slug
  returning * into strict v_step;

  insert into pgflow.deps (flow_slug, dep_slug, step_slug)
  select add_step.flow_slug, d, add_step.step_slug from unnest(v_deps) as d;
  perform pgflow._store_shape_hash(add_step.flow_slug);

  return v_step;
end;
$$;

comment on function pgflow.add_step(text, text, text[], integer, integer, integer, integer, text, jsonb, jsonb, text) is
  'appends a step that waits for deps_slugs; the same step again is a no-op';

-- changed in 0.2.8 (sql/0200_function__emit_event.sql)
-- _emit_event( flow_slug, run_id, event_type, payload )
-- Sends one state-change event, in the caller's transaction, with pg_notify on
-- the global channel pgflow_events and on the flow's own channel (the flow
-- slug; at most 47 characters, so always a valid channel name). The message is
--   {"payload": {...}, "event": "<event_type>", "topic": "<flow_slug>", "timestamp": <epoch>}
-- and never carries outputs or inputs, so it stays far below NOTIFY's 8000-byte limit;
-- error messages are cut to 1000 characters. Where the database owner turned
-- Supabase Realtime on (pgflow.realtime = on) and realtime.send() is trusted
-- (_realtime_send), it gets the event too, with the output or input, on topic
-- pgflow:run:<run_id>, named run:<status> or step:<step_slug>:<status>.
-- pg_notify costs: PostgreSQL serializes the commits of notifying
-- transactions. So the setting pgflow.notify (per database, role or session)
-- decides: auto (the default) notifies only the channels someone subscribed
-- to (pgflow.subscribe), on notifies both channels always, off never.
create or replace function pgflow._emit_event(flow_slug text, run_id uuid, event_type text, payload jsonb)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_mode     text := lower(coalesce(nullif(current_setting('pgflow.notify', true), ''), 'auto'));
  v_send     regprocedure := pgflow._realtime_send();
  v_channels text[];
  v_channel  text;
  v_payload  jsonb;
  v_message  text;
begin
  case
    when v_mode in ('on', 'true', '1') then
      v_channels := array['pgflow_events', _emit_event.flow_slug];
    when v_mode = 'auto' then
      v_channels := array(select s.channel from pgflow.subscriptions as s
                           where s.channel in ('pgflow_events', _emit_event.flow_slug)
                             and s.expires_at > clock_timestamp()
                           order by s.channel <> 'pgflow_events');
    when v_mode in ('off', 'false', '0') then
      v_channels := '{}';
    else
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('invalid value for pgflow.notify: "%s"', left(v_mode, 100)),
        hint    = 'pgflow.notify is auto (notify subscribed channels), on (always) or off (never).';
  end case;
  -- Nobody to tell: nothing to build (the common case on the hot path).
  if cardinality(v_channels) = 0 and v_send is null then
    return;
  end if;

  v_payload := jsonb_strip_nulls(
    jsonb_build_object('event_type', event_type, 'run_id', run_id, 'flow_slug', flow_slug)
    || (payload - 'output' - 'input')
    || case when payload ? 'error_message'
            then jsonb_build_object('error_message', left(payload ->> 'error_message', 1000))
            else '{}'::jsonb end);

  if cardinality(v_channels) > 0 then
    v_message := jsonb_build_object(
      'payload',   v_payload,
      'event',     event_type,
      'topic',     flow_slug,
      'timestamp', extract(epoch from clock_timestamp())
    )::text;
    foreach v_channel in array v_channels loop
      perform pg_notify(v_channel, v_message);
    end loop;
  end if;

  if v_send is not null then
    execute format('select %s($1::jsonb, $2::text, $3::text, false)', v_send::regproc)
      using v_payload || (payload - array(select k from jsonb_object_keys(payload) as k
                                           where k not in ('output', 'input'))),
            case when payload ? 'step_slug'
                 then format('step:%s:%s', payload ->> 'step_slug', payload ->> 'status')
                 else format('run:%s', payload ->> 'status') end,
            format('pgflow:run:%s', run_id);
  end if;
end;
$$;

-- changed in 0.2.8 (sql/0215_function__fail_step.sql)
-- _fail_step( run_id, flow_slug, step_slug, error_message )
-- Fails a step for good, and its run with it: the step's status, error and
-- step:failed event, then _fail_run. The one way a step fails, whether its
-- last task failed (fail_task), its map got no array (_settle_completed_steps)
-- or its condition was unmet with when_unmet 'fail' (_apply_conditions). The
-- caller holds the run's lock.
create or replace function pgflow._fail_step(run_id uuid, flow_slug text, step_slug text, error_message text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_started_at timestamptz;
begin
  update pgflow.step_states as ss
     set status = 'failed', failed_at = now(), error_message = _fail_step.error_message
   where ss.run_id = _fail_step.run_id and ss.step_slug = _fail_step.step_slug
  returning ss.started_at into v_started_at;
  perform pgflow._emit_event(_fail_step.flow_slug, _fail_step.run_id, 'step:failed',
    jsonb_build_object('step_slug', _fail_step.step_slug, 'status', 'failed', 'started_at', v_started_at,
                       'failed_at', now(), 'error_message', _fail_step.error_message));
  perform pgflow._fail_run(_fail_step.run_id, _fail_step.flow_slug, _fail_step.error_message);
end;
$$;

-- changed in 0.2.8 (sql/0230_function__settle_completed_steps.sql)
-- _settle_completed_steps( run_ids, step_slugs, start_ready )
-- Everything that follows from steps having just completed, for any number
-- of runs at once: step run_ids[i]'s step step_slugs[i] completed. Their
-- events, their runs' remaining_steps, their dependents' remaining_deps, and
-- the task count of a dependent map (the length of the array it maps over).
-- With start_ready (the caller knows no condition applies), a dependent that
-- becomes ready with tasks to run, in a run that is not paused, is marked
-- started in the same update (one row version less per step than leaving it
-- to _queue_ready_steps); it comes back in ready, for _queue_ready_steps to
-- queue its tasks. A dependent map whose dependency did
-- not output an array fails, and with it its run: failed lists the runs that
-- failed so (usually none). The caller holds the runs' locks.
create or replace function pgflow._settle_completed_steps(run_ids uuid[], step_slugs text[], start_ready boolean,
                                               out failed uuid[], out ready pgflow.step_states[])
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_any_map boolean;
  v_bad     record;
  v_error   text;
begin
  failed := '{}'::uuid[];

  if pgflow._events_wanted() then
    perform pgflow._emit_event(ss.flow_slug, ss.run_id, 'step:completed',
              jsonb_build_object('step_slug', ss.step_slug, 'status', 'completed', 'started_at', ss.started_at,
                                 'completed_at', ss.completed_at, 'output', ss.output))
       from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) with ordinality as u(r, s, n)
       join pgflow.step_states as ss on ss.run_id = u.r and ss.step_slug = u.s
      order by u.n;
  end if;

  update pgflow.runs as r
     set remaining_steps = r.remaining_steps - c.n
    from (select u.r, count(*)::integer as n
            from unnest(_settle_completed_steps.run_ids) as u(r)
           group by u.r) as c
   where r.run_id = c.r;

  -- A map has exactly one dependency: the step whose output it maps over.
  -- The step becomes ready when its last dependency completes (remaining_deps
  -- reaches 0) and has tasks (initial_tasks > 0: 0 is a map over [], null a
  -- map over no array, both settled by the caller or below).
  with settled as (
    update pgflow.step_states as ss
       set remaining_deps  = ss.remaining_deps - c.n,
           initial_tasks   = c.initial_tasks,
           status          = case when c.start_now then 'started' else ss.status end,
           started_at      = case when c.start_now then now() else ss.started_at end,
           remaining_tasks = case when c.start_now then c.initial_tasks else ss.remaining_tasks end
      from (select g.*,
                   _settle_completed_steps.start_ready and g.run_status = 'started' and g.status = 'created'
                     and g.remaining_deps = g.n and g.initial_tasks > 0 as start_now
              from (select done.run_id, d.step_slug, r.status as run_status, dep.status, dep.remaining_deps,
                           count(*)::integer as n,
                           bool_or(s.step_type = 'map') as is_map,
                           case when bool_or(s.step_type = 'map')
                                then coalesce(max(case when jsonb_typeof(done.output) = 'array'
                                                       then jsonb_array_length(done.output) end),
                                              dep.initial_tasks)
                                else dep.initial_tasks end as initial_tasks
                      from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) as u(r, s)
                      join pgflow.step_states as done on done.run_id = u.r and done.step_slug = u.s
                      join pgflow.runs as r on r.run_id = u.r
                      join pgflow.deps as d on d.flow_slug = done.flow_slug and d.dep_slug = done.step_slug
                      join pgflow.steps as s on s.flow_slug = d.flow_slug and s.step_slug = d.step_slug
                      join pgflow.step_states as dep on dep.run_id = done.run_id and dep.step_slug = d.step_slug
                     group by done.run_id, d.step_slug, r.status, dep.status, dep.remaining_deps, dep.initial_tasks) as g
           ) as c
     where ss.run_id = c.run_id and ss.step_slug = c.step_slug
    returning ss, c.start_now, c.is_map
  )
  select bool_or(st.is_map), array_agg(st.ss order by (st.ss).run_id, (st.ss).step_slug) filter (where st.start_now)
    into v_any_map, ready
    from settled as st;

  if not coalesce(v_any_map, false) then
    return;
  end if;

  -- Ready but with no task count: a map whose dependency's output is no array.
  for v_bad in
    select distinct on (ss.run_id) ss.run_id, ss.flow_slug, ss.step_slug, d.dep_slug, jsonb_typeof(dep.output) as type
      from pgflow.step_states as ss
      join pgflow.deps as d on d.flow_slug = ss.flow_slug and d.step_slug = ss.step_slug
      join pgflow.step_states as dep on dep.run_id = ss.run_id and dep.step_slug = d.dep_slug
     where ss.run_id = any(_settle_completed_steps.run_ids)
       and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks is null
     order by ss.run_id, ss.step_slug
  loop
    v_error := format('map step "%s" needs an array, but step "%s" output %s',
                      v_bad.step_slug, v_bad.dep_slug, coalesce(v_bad.type, 'nothing'));
    perform pgflow._fail_step(v_bad.run_id, v_bad.flow_slug, v_bad.step_slug, v_error);
    failed := failed || v_bad.run_id;
  end loop;

  -- A failed run queues nothing: its steps marked started above wait again.
  if cardinality(failed) > 0 and ready is not null then
    update pgflow.step_states as ss
       set status = 'created', started_at = null, remaining_tasks = null
      from unnest(ready) as u
     where ss.run_id = u.run_id and ss.step_slug = u.step_slug and u.run_id = any(failed);
    ready := array(select u from unnest(ready) as u where u.run_id <> all(failed)
                    order by u.run_id, u.step_slug);
  end if;
end;
$$;

-- changed in 0.2.8 (sql/0295_function__start_runs.sql)
-- _start_runs( flow_slug, inputs, run_ids )
-- What start_flow and start_flows share: starts one run of the flow per
-- input (inputs[i], with run id run_ids[i], a new one where that is null),
-- all in one go: the runs, one step_state per step of each, their run:started
-- events, and one cascade for all of them, which queues every root step with
-- one send_batch. A root step with tasks is inserted started when the flow
-- has no conditions (they are tested before anything starts): one row
-- version less per run than starting it in the cascade. Returns the runs in
-- the order of their inputs. One bad input and no run starts.
create or replace function pgflow._start_runs(flow_slug text, inputs jsonb[], run_ids uuid[])
returns setof pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_ids        uuid[];
  v_step_count integer;
  v_root_map   text;
  v_bad        record;
  v_inserted   integer;
  v_conditions boolean;
  v_started    pgflow.step_states[];
begin
  if _start_runs.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Name the flow to start.';
  end if;

  -- Waits for an add_step in progress, so the runs see the flow's final steps.
  perform from pgflow.flows as f where f.flow_slug = _start_runs.flow_slug for key share;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(_start_runs.flow_slug, 200)),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;

  select count(*)::integer, min(s.step_slug) filter (where s.step_type = 'map' and s.deps_count = 0),
         bool_or(s.run_if is not null or s.run_unless is not null)
    into v_step_count, v_root_map, v_conditions
    from pgflow.steps as s
   where s.flow_slug = _start_runs.flow_slug;
  if v_step_count = 0 then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" has no steps', _start_runs.flow_slug),
      hint    = 'Add steps with pgflow.add_step() before starting it.';
  end if;
  if v_root_map is not null then
    select u.n, jsonb_typeof(u.input) as type into v_bad
      from unnest(_start_runs.inputs) with ordinality as u(input, n)
     where jsonb_typeof(u.input) <> 'array'
     order by u.n
     limit 1;
    if found then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('input of flow "%s" must be an array: step "%s" maps over it, got %s',
                         _start_runs.flow_slug, v_root_map, v_bad.type),
        hint    = 'Start the run with a JSON array; each element becomes one task of the map step.';
    end if;
  end if;

  v_ids := array(select coalesce(u.id, gen_random_uuid())
                   from unnest(_start_runs.inputs, _start_runs.run_ids) with ordinality as u(input, id, n)
                  order by u.n);

  insert into pgflow.runs (run_id, flow_slug, input, remaining_steps)
  select u.id, _start_runs.flow_slug, u.input, v_step_count
    from unnest(v_ids, _start_runs.inputs) as u(id, input)
  on conflict do nothing;
  get diagnostics v_inserted = row_count;
  if v_inserted < cardinality(v_ids) then
    raise exception using
      errcode = 'unique_violation',
      -- only start_flow names a run id, one at a time
      message = format('run "%s" already exists', v_ids[1]),
      hint    = 'Each run needs its own run_id; leave it out to get a new one.';
  end if;

  with inserted as (
    insert into pgflow.step_states (flow_slug, run_id, step_slug, remaining_deps, initial_tasks,
                                    status, started_at, remaining_tasks)
    select s.flow_slug, u.id, s.step_slug, s.deps_count, c.n,
           case when t.start_now then 'started' else 'created' end,
           case when t.start_now then now() end,
           case when t.start_now then c.n end
      from unnest(v_ids, _start_runs.inputs) as u(id, input)
     cross join pgflow.steps as s
     cross join lateral (select case when s.step_type = 'single' then 1
                                     when s.deps_count = 0 then jsonb_array_length(u.input) end as n) as c
     cross join lateral (select not v_conditions and s.deps_count = 0 and c.n > 0 as start_now) as t
     where s.flow_slug = _start_runs.flow_slug
    returning *
  )
  select array_agg(i::pgflow.step_states order by i.run_id, i.step_slug) filter (where i.status = 'started')
    into v_started
    from inserted as i;

  if pgflow._events_wanted() then
    perform pgflow._emit_event(_start_runs.flow_slug, u.id, 'run:started',
              jsonb_build_object('status', 'started', 'started_at', now(), 'remaining_steps', v_step_count,
                                 'input', u.input))
       from unnest(v_ids, _start_runs.inputs) with ordinality as u(id, input, n)
      order by u.n;
  end if;

  perform pgflow._cascade(v_ids, array[_start_runs.flow_slug], null, null, v_started);

  return query
  select r.*
    from unnest(v_ids) with ordinality as u(id, n)
    join pgflow.runs as r on r.run_id = u.id
   order by u.n;
end;
$$;

-- new in 0.2.8 (sql/0380_function_start_ready_steps.sql)
-- start_ready_steps( run_id )
-- Queues the run's steps whose dependencies are met. The engine does this
-- itself, in the transaction of the change that made them ready (start_flow,
-- complete_task, resume_run): a call finds nothing left to do and changes
-- nothing. Kept for code written against upstream pgflow 0.8.1, where it is a
-- step of the cascade that its tests call by hand. Only the owner calls it.
create function pgflow.start_ready_steps(run_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype := pgflow._lock_run(start_ready_steps.run_id);
begin
  if v_run.status = 'started' then
    perform pgflow._cascade(array[v_run.run_id], array[v_run.flow_slug], null, null);
  end if;
end;
$$;

comment on function pgflow.start_ready_steps(uuid) is
  'for upstream 0.8.1 callers: queues the run''s ready steps (the engine already does, so it finds nothing to do)';

-- new in 0.2.8 (sql/0381_function_maybe_complete_run.sql)
-- maybe_complete_run( run_id )
-- Completes the run if no step is left. The engine does this itself when its
-- last step completes: a call finds nothing left to do. Kept for code written
-- against upstream pgflow 0.8.1. Only the owner calls it.
create function pgflow.maybe_complete_run(run_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype := pgflow._lock_run(maybe_complete_run.run_id);
begin
  perform pgflow._complete_runs_if_done(array[v_run.run_id]);
end;
$$;

comment on function pgflow.maybe_complete_run(uuid) is
  'for upstream 0.8.1 callers: completes the run if no step is left (the engine already does)';

-- new in 0.2.8 (sql/0382_function_cascade_complete_taskless_steps.sql)
-- cascade_complete_taskless_steps( run_id )
-- Completes the run's ready steps that have no task (maps over empty
-- arrays), and what they make ready in turn, and returns how many steps it
-- completed. The engine does this itself in the transaction that made them
-- ready, so a call finds nothing to do and returns 0; so does a call on a run
-- that is not running. Kept for code written against upstream pgflow 0.8.1.
-- Only the owner calls it.
create function pgflow.cascade_complete_taskless_steps(run_id uuid)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run    pgflow.runs%rowtype := pgflow._lock_run(cascade_complete_taskless_steps.run_id);
  v_before integer;
begin
  if v_run.status <> 'started' then
    return 0;
  end if;
  select count(*)::integer into v_before
    from pgflow.step_states as ss where ss.run_id = v_run.run_id and ss.status = 'completed';
  perform pgflow._cascade(array[v_run.run_id], array[v_run.flow_slug], null, null);
  return (select count(*)::integer from pgflow.step_states as ss
           where ss.run_id = v_run.run_id and ss.status = 'completed') - v_before;
end;
$$;

comment on function pgflow.cascade_complete_taskless_steps(uuid) is
  'for upstream 0.8.1 callers: completes ready taskless steps and returns how many (the engine already does: 0)';

-- changed in 0.2.8 (sql/0400_function_start_tasks.sql)
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
-- ran out on its last attempt is not started again: it fails (_fail_tasks), and
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
--
-- A task whose input cannot be built (the run input and the dependencies'
-- outputs together pass jsonb's 256 MB limit: program_limit_exceeded, or the
-- server runs out of memory building it) fails on its own, and the batch goes
-- on: 0.2.6 failed the whole call, the task stayed queued with no attempt
-- counted, and as reads return the oldest messages first its flow never moved
-- again. The common case pays for one subtransaction around the statement
-- that starts the tasks (and its transaction id), not one per task. Only when
-- that statement fails, which undoes it, is each task's input built on its
-- own, locking nothing. Each task that cannot have one is then started and
-- failed like any failed attempt, through _fail_tasks: an attempt counted, the
-- error message saying why, retried after base_delay or, on the last attempt,
-- failing its step and run. Its run is locked first, as complete_task does,
-- and before any other task is: runs before tasks, the one lock order. Then
-- the statement starts the others as usual.
--
-- Timeouts: a stored timeout is read as at most 2147483645 seconds (the most
-- _assert_option allows since 0.2.7; 0.2.6 let larger ones in), so the lease,
-- timeout + 2 seconds, fits pgmq's integer visibility timeout.
create or replace function pgflow.start_tasks(flow_slug text, msg_ids bigint[], worker_id uuid)
returns setof pgflow.step_task_record
language plpgsql
volatile
security definer
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
  v_exp_r   uuid[];
  v_exp_s   text[];
  v_exp_i   integer[];
  v_exp_e   text[];
  v_runs    uuid[];
  v_steps   text[];
  v_indexes integer[];
  v_found   bigint[];
  v_retried boolean := false;
  v_key     record;
  v_bad     record;
  v_bad_r   uuid[] := '{}'::uuid[];
  v_bad_s   text[] := '{}'::text[];
  v_bad_i   integer[] := '{}'::integer[];
  v_bad_e   text[] := '{}'::text[];
begin
  perform pgflow._authorize_worker(start_tasks.flow_slug);
  if start_tasks.flow_slug is null or start_tasks.worker_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow_slug and worker_id must not be null',
      hint    = 'Pass the flow, the message ids read from its queue and the registered worker''s id.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = start_tasks.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(start_tasks.flow_slug, 200)),
      hint    = 'Workers read the queue named after the flow they serve.';
  end if;
  if not exists (select from pgflow.workers as w where w.worker_id = start_tasks.worker_id) then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', start_tasks.worker_id),
      hint    = 'Register it first with pgflow.register_worker(worker_id, queue_name, function_name).';
  end if;
  -- No messages: nothing to start. NULL counts as none, as upstream has it:
  -- array(select msg_id from pgmq.read(...)) is empty, but array_agg over an
  -- empty read, which workers also write, is NULL.
  if coalesce(cardinality(start_tasks.msg_ids), 0) = 0 then
    return;
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

  -- Leases that ran out on the last attempt: fail those tasks (_fail_tasks,
  -- their runs locked first and in run_id order, as complete_tasks locks
  -- them) before starting anything.
  select array_agg(x.run_id), array_agg(x.step_slug), array_agg(x.task_index),
         array_agg(format('timed out: no result within %s seconds, after %s attempts', x.timeout + 2, x.attempts_count))
    into v_exp_r, v_exp_s, v_exp_i, v_exp_e
    from (select t.run_id, t.step_slug, t.task_index, t.attempts_count,
                 least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) as timeout
            from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
            join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
            join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
            join pgflow.flows as f on f.flow_slug = t.flow_slug
            join pgflow.runs as r on r.run_id = t.run_id
           where t.status = 'started'
             -- started (cancel: a paused run's expired task is held, not failed),
             -- written so that no plan looks runs up by status rather than by run_id
             and r.status not in ('completed', 'failed', 'cancelled', 'paused')
             and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                 <= clock_timestamp()
             and t.attempts_count >= coalesce(s.opt_max_attempts, f.opt_max_attempts)) as x;
  if v_exp_r is not null then
    perform from pgflow.runs as r where r.run_id = any(v_exp_r) order by r.run_id for no key update;
    perform from pgflow._fail_tasks(v_exp_r, v_exp_s, v_exp_i, v_exp_e);
  end if;

  -- Tasks someone else has locked are being completed, failed or started by
  -- them right now: skip them rather than wait. Waiting could deadlock with a
  -- completion that holds the task and waits for the message this caller read.
  -- Once round: tasks whose input cannot be built fail the statement; they are
  -- found and failed (below), taken out of the keys, and the rest go round
  -- again.
  loop
    begin
      with candidates as (
        select t.run_id, t.step_slug, t.task_index, least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) as timeout,
               s.step_type, s.deps_count, r.input as run_input
          from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
          join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
          join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
          join pgflow.flows as f on f.flow_slug = t.flow_slug
          join pgflow.runs as r on r.run_id = t.run_id
         where r.status not in ('completed', 'failed', 'cancelled', 'paused') -- started, as above
           and (t.status = 'queued'
                or (t.status = 'started'
                    and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                        <= clock_timestamp()
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
               -- the task input; the same expression builds it one task at a time below
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
      exit;
    exception when program_limit_exceeded or out_of_memory then
      -- Everything the statement did is undone. A second failure is not a
      -- task's input (those were taken out): let it through.
      if v_retried then
        raise;
      end if;
      v_retried := true;
    end;

    -- Which startable tasks cannot have an input: each built on its own,
    -- nothing locked yet (a task's input never changes once it is queued).
    for v_key in
      select t.run_id, t.step_slug, t.task_index, s.step_type, s.deps_count, r.input as run_input
        from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
        join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
        join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
        join pgflow.flows as f on f.flow_slug = t.flow_slug
        join pgflow.runs as r on r.run_id = t.run_id
       where r.status not in ('completed', 'failed', 'cancelled', 'paused') -- started, as above
         and (t.status = 'queued'
              or (t.status = 'started'
                  and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                      <= clock_timestamp()
                  and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)))
       order by t.run_id, t.step_slug, t.task_index
    loop
      begin
        perform case
          when v_key.step_type = 'map' and v_key.deps_count = 0 then v_key.run_input -> v_key.task_index
          when v_key.step_type = 'map' then
            (select dep.output -> v_key.task_index
               from pgflow.deps as d
               join pgflow.step_states as dep on dep.run_id = v_key.run_id and dep.step_slug = d.dep_slug
              where d.flow_slug = start_tasks.flow_slug and d.step_slug = v_key.step_slug)
          else jsonb_build_object('run', v_key.run_input)
               || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                              from pgflow.deps as d
                              join pgflow.step_states as dep on dep.run_id = v_key.run_id and dep.step_slug = d.dep_slug
                             where d.flow_slug = start_tasks.flow_slug and d.step_slug = v_key.step_slug
                               and dep.status = 'completed'),
                           '{}'::jsonb)
        end;
      exception when program_limit_exceeded or out_of_memory then
        v_bad_r := v_bad_r || v_key.run_id;
        v_bad_s := v_bad_s || v_key.step_slug;
        v_bad_i := v_bad_i || v_key.task_index;
        v_bad_e := v_bad_e || format('the task''s input could not be built: %s', sqlerrm);
      end;
    end loop;

    -- Fail them as any attempt fails (_fail_tasks), runs locked first and in
    -- run_id order (as complete_tasks); no other task is locked yet. A task
    -- someone else started meanwhile is theirs, and left alone.
    for v_bad in
      select b.r, b.s, b.i, b.e from unnest(v_bad_r, v_bad_s, v_bad_i, v_bad_e) as b(r, s, i, e) order by b.r, b.s, b.i
    loop
      perform pgflow._lock_run(v_bad.r);
      update pgflow.step_tasks as t
         set status = 'started',
             attempts_count = t.attempts_count + 1,
             started_at = now(),
             last_worker_id = start_tasks.worker_id
        from pgflow.steps as s, pgflow.flows as f, pgflow.runs as r
       where t.run_id = v_bad.r and t.step_slug = v_bad.s and t.task_index = v_bad.i
         and s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
         and f.flow_slug = t.flow_slug
         and r.run_id = t.run_id and r.status = 'started'
         and (t.status = 'queued'
              or (t.status = 'started'
                  and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                      <= clock_timestamp()
                  and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)));
      if found then
        perform from pgflow._fail_tasks(array[v_bad.r], array[v_bad.s], array[v_bad.i], array[v_bad.e]);
      end if;
    end loop;

    -- The rest go round again without them.
    select array_agg(k.r), array_agg(k.s), array_agg(k.i)
      into v_runs, v_steps, v_indexes
      from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
     where (k.r, k.s, k.i) not in (select b.r, b.s, b.i from unnest(v_bad_r, v_bad_s, v_bad_i) as b(r, s, i));
  end loop;

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

-- changed in 0.2.8 (sql/0410_function_complete_task.sql)
-- complete_task( run_id, step_slug, task_index, output )
-- Records a started task's output and archives its message. The last task of
-- a step completes the step (a map's output is the array of its tasks'
-- outputs in task_index order) and cascades: dependents become ready and are
-- queued, and the run completes when no step remains.
--
-- Only a started task of a running (or paused) run is completed. Otherwise
-- (the task is queued, completed, failed or cancelled already, or the run
-- has finished or was cancelled) nothing changes and no row is returned: a
-- late or repeated call is harmless. So does a run that is not there
-- (pruned since its task started) or that belongs to a flow the caller may
-- not work on: the answer is the same for both, so that it tells a caller
-- nothing about other flows' runs (_lock_worker_run). An unknown step or
-- task of the caller's run is an error; a null argument is one too.
create or replace function pgflow.complete_task(run_id uuid, step_slug text, task_index integer, output jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
begin
  if complete_task.run_id is null or complete_task.step_slug is null or complete_task.task_index is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id, step_slug and task_index must not be null',
      hint    = 'Pass the run_id, step_slug and task_index that start_tasks returned for the task.';
  end if;
  if pgflow._lock_worker_run(complete_task.run_id) is null then
    return;
  end if;
  -- An SQL NULL output is JSON null, as upstream takes it (a handler that
  -- returns nothing).
  return query select * from pgflow._complete_tasks(array[complete_task.run_id], array[complete_task.step_slug],
                                                     array[complete_task.task_index],
                                                     array[coalesce(complete_task.output, 'null'::jsonb)]);
end;
$$;

comment on function pgflow.complete_task(uuid, text, integer, jsonb) is
  'completes a started task with its output and cascades to dependent steps and the run';

-- new in 0.2.8 (sql/0418_function__fail_tasks.sql)
-- _fail_tasks( run_ids, step_slugs, task_indexes, error_messages )
-- The one way started tasks fail, any number at once (task i is task
-- task_indexes[i] of step step_slugs[i] of run run_ids[i], failed with
-- error_messages[i]): a worker's report (fail_task), leases that ran out on
-- the last attempt and inputs that cannot be built (start_tasks). The caller
-- holds the locks of the runs and has checked who asks. While attempts
-- remain a task is queued again and its message delayed by
-- calculate_retry_delay(base_delay, attempts_count - 1); otherwise the task
-- fails, its message is archived, and its step and run fail (_fail_step).
-- Only started tasks of started or paused runs change (a retry of a paused
-- run is queued, and start_tasks holds it until resume_run); the others are
-- left alone. Returns the tasks it changed. As _complete_tasks is for
-- completions: one statement for the whole batch, one pgmq call per flow and
-- delay.
create function pgflow._fail_tasks(run_ids uuid[], step_slugs text[], task_indexes integer[], error_messages text[])
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_changed pgflow.step_tasks[];
  v_group   record;
  v_failed  record;
begin
  with k as (
    select * from unnest(_fail_tasks.run_ids, _fail_tasks.step_slugs, _fail_tasks.task_indexes,
                         _fail_tasks.error_messages) as k(r, s, i, e)
  ), changed as (
    update pgflow.step_tasks as t
       set status        = case when t.attempts_count < o.max_attempts then 'queued' else 'failed' end,
           started_at    = case when t.attempts_count < o.max_attempts then null else t.started_at end,
           failed_at     = case when t.attempts_count < o.max_attempts then null else now() end,
           error_message = k.e
      from k
      join pgflow.runs as r on r.run_id = k.r
      join pgflow.steps as s on s.flow_slug = r.flow_slug and s.step_slug = k.s
      join pgflow.flows as f on f.flow_slug = r.flow_slug
     cross join lateral (select coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts) as o
     where t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
       and t.status = 'started'
       and r.status in ('started', 'paused')
    returning t.*
  )
  select array_agg(c::pgflow.step_tasks order by c.run_id, c.step_slug, c.task_index) into v_changed from changed as c;
  if v_changed is null then
    return;
  end if;

  -- Retries: their messages come back after the backoff.
  for v_group in
    select c.flow_slug,
           pgflow.calculate_retry_delay(coalesce(s.opt_base_delay, f.opt_base_delay), c.attempts_count - 1) as delay,
           array_agg(c.message_id order by c.message_id) as msg_ids
      from unnest(v_changed) as c
      join pgflow.steps as s on s.flow_slug = c.flow_slug and s.step_slug = c.step_slug
      join pgflow.flows as f on f.flow_slug = c.flow_slug
     where c.status = 'queued'
     group by 1, 2
  loop
    perform pgmq.set_vt(v_group.flow_slug, v_group.msg_ids, v_group.delay);
  end loop;

  -- Failures for good: their messages archived, their steps and runs failed.
  for v_group in
    select c.flow_slug, array_agg(c.message_id order by c.message_id) as msg_ids
      from unnest(v_changed) as c
     where c.status = 'failed'
     group by c.flow_slug
  loop
    perform pgmq.archive(v_group.flow_slug, v_group.msg_ids);
  end loop;
  for v_failed in
    select distinct on (c.run_id, c.step_slug) c.run_id, c.flow_slug, c.step_slug, c.error_message
      from unnest(v_changed) as c
     where c.status = 'failed'
     order by c.run_id, c.step_slug, c.task_index
  loop
    perform pgflow._fail_step(v_failed.run_id, v_failed.flow_slug, v_failed.step_slug, v_failed.error_message);
  end loop;

  return query select * from unnest(v_changed);
end;
$$;

-- changed in 0.2.8 (sql/0420_function_fail_task.sql)
-- fail_task( run_id, step_slug, task_index, error_message )
-- Records a started task's failure. While attempts remain (attempts_count <
-- max_attempts) the task is queued again and its message delayed by
-- calculate_retry_delay(base_delay, attempts_count - 1): base_delay, then
-- twice that, and so on. Otherwise the task, its step and the run fail, and
-- the run's other queued work is archived. The work is _fail_tasks', the one
-- way tasks fail.
--
-- Like complete_task, it changes nothing and returns no row unless the task
-- is started and the run is running (or paused: a retry of a paused run is
-- queued, and start_tasks holds it until resume_run), nor for a run that is
-- not there or not the caller's to work on; an unknown step or task of the
-- caller's run is an error, and so is a null run, step or task index.
create or replace function pgflow.fail_task(run_id uuid, step_slug text, task_index integer, error_message text)
returns setof pgflow.step_tasks
language plpgsql
volatile
security definer
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
  if fail_task.run_id is null or fail_task.step_slug is null or fail_task.task_index is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id, step_slug and task_index must not be null',
      hint    = 'Pass the run_id, step_slug and task_index that start_tasks returned for the task.';
  end if;
  v_run := pgflow._lock_worker_run(fail_task.run_id);
  if v_run.run_id is null then
    return;
  end if;
  return query select * from pgflow._fail_tasks(array[fail_task.run_id], array[fail_task.step_slug],
                                                 array[fail_task.task_index], array[fail_task.error_message]);
  if not found then
    perform pgflow._assert_task_exists(fail_task.run_id, v_run.flow_slug, fail_task.step_slug, fail_task.task_index);
  end if;
end;
$$;

comment on function pgflow.fail_task(uuid, text, integer, text) is
  'fails a started task: queued again with exponential backoff while attempts remain, else fails step and run';

-- changed in 0.2.8 (sql/0430_function_set_vt_batch.sql)
-- set_vt_batch( queue_name, msg_ids, vt_offsets )
-- Sets the visibility timeout of many messages of a pgmq queue at once:
-- message msg_ids[i] becomes visible vt_offsets[i] seconds from now. A
-- generic helper, as upstream's: a flow's queue for a role that may work the
-- flow (_authorize_worker), any other pgmq queue for a role that may update
-- its table (pgmq's own rights on it). Worker roles stay confined to their
-- flows' queues: grant_worker grants no other queue.
create or replace function pgflow.set_vt_batch(queue_name text, msg_ids bigint[], vt_offsets integer[])
returns setof pgmq.message_record
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the update it runs is dynamic, so the check cannot see that it writes)
begin
  -- a flow's queue (pgmq's queue names ignore case, as its tables do)
  perform pgflow._authorize_worker(f.flow_slug)
     from pgflow.flows as f where lower(f.flow_slug) = lower(set_vt_batch.queue_name);
  if set_vt_batch.queue_name is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'queue_name must not be null',
      hint    = 'Pass a pgmq queue (a flow''s is named after the flow) and two arrays of the same length.';
  end if;
  -- No messages (NULL arrays count as none, as upstream has it): nothing to do.
  if set_vt_batch.msg_ids is null or set_vt_batch.vt_offsets is null then
    return;
  end if;
  if cardinality(set_vt_batch.msg_ids) <> cardinality(set_vt_batch.vt_offsets) then
    raise exception using
      errcode = 'array_subscript_error',
      message = format('msg_ids length (%s) must equal vt_offsets length (%s)',
                       cardinality(set_vt_batch.msg_ids), cardinality(set_vt_batch.vt_offsets)),
      hint    = 'Give one offset (in seconds) per message id.';
  end if;
  if array_position(set_vt_batch.vt_offsets, null) is not null or array_position(set_vt_batch.msg_ids, null) is not null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'msg_ids and vt_offsets must not contain null',
      hint    = 'Give one offset (in seconds) per message id.';
  end if;
  if not exists (select from pgflow.flows as f where lower(f.flow_slug) = lower(set_vt_batch.queue_name)) then
    if to_regclass(format('pgmq.%I', 'q_' || lower(set_vt_batch.queue_name))) is null then
      -- undefined_table, in the words pgmq's own functions (and upstream's) give
      raise exception using
        errcode = 'undefined_table',
        message = format('relation "pgmq.q_%s" does not exist', left(lower(set_vt_batch.queue_name), 200)),
        hint    = 'Create the queue with pgmq.create(); a flow''s queue is named after the flow.';
    end if;
    if not pg_catalog.has_table_privilege(pgflow._caller(),
                                          format('pgmq.%I', 'q_' || lower(set_vt_batch.queue_name)), 'UPDATE') then
      raise exception using
        errcode = 'insufficient_privilege',
        message = format('role "%s" may not update queue "%s"', pgflow._caller(), left(set_vt_batch.queue_name, 200)),
        hint    = 'Grant update on the queue''s table pgmq.q_<queue> to the role.';
    end if;
  end if;

  return query execute format(
    'update pgmq.%I as q
        set vt = clock_timestamp() + make_interval(secs => v.vt_offset)
       from unnest($1, $2) as v(msg_id, vt_offset)
      where q.msg_id = v.msg_id
     returning q.msg_id, q.read_ct, q.enqueued_at, q.last_read_at, q.vt, q.message, q.headers',
    'q_' || lower(set_vt_batch.queue_name))
  using set_vt_batch.msg_ids, set_vt_batch.vt_offsets;
end;
$$;

comment on function pgflow.set_vt_batch(text, bigint[], integer[]) is
  'sets the visibility timeout of many messages of a pgmq queue, one offset in seconds per message';

-- changed in 0.2.8 (sql/0630_function_requeue_stalled_tasks.sql)
-- requeue_stalled_tasks()
-- Gives the tasks of lost workers back to the queue. A task is stalled when it
-- is started, its lease ran out (started_at + timeout + 2 s has passed) and
-- its worker is gone: unknown, stopped, or silent (no heartbeat) for longer
-- than that lease. While attempts remain the task is queued again and its
-- message visible at once (the lost attempt was counted when it started);
-- a task on its last attempt fails (_fail_tasks), and with it its step and run.
-- Returns the number of tasks queued again.
--
-- A stored timeout is read as at most 2147483645 seconds, as start_tasks
-- reads it: 0.2.6 let larger ones in, and timeout + 2 then overflowed and
-- failed this function for the whole database.
--
-- Runs are taken one at a time in run_id order, each locked (_lock_run)
-- before its tasks, as complete_task does; tasks locked by someone else are
-- being started, completed or failed right now and are skipped.
create or replace function pgflow.requeue_stalled_tasks()
returns integer
language plpgsql
volatile
security definer
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
             least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2 as lease,
             coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts
        from pgflow.step_tasks as t
        join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
        join pgflow.flows as f on f.flow_slug = t.flow_slug
        left join pgflow.workers as w on w.worker_id = t.last_worker_id
       where t.run_id = v_run_id
         and t.status = 'started'
         and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
             <= clock_timestamp()
         and (w.worker_id is null
              or w.stopped_at is not null
              or w.last_heartbeat_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
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
        perform from pgflow._fail_tasks(array[v_run_id], array[v_task.step_slug], array[v_task.task_index],
          array[format('timed out: no result within %s seconds and the worker is gone, after %s attempts',
                       v_task.lease, v_task.attempts_count)]);
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

-- Privileges, denied by default.
--
-- Every function is created with PostgreSQL's default EXECUTE for PUBLIC.
-- This one statement takes it back from all of them, so a function added to
-- sql/ is executable by the owner alone until a grant helper (grant_worker,
-- grant_client, grant_admin) or the grant below hands it out. It ends the
-- install script and every upgrade script. (ALTER DEFAULT PRIVILEGES cannot
-- do it for one schema: a per-schema default only adds to the global one,
-- which grants EXECUTE to PUBLIC, and a global one would reach the owner's
-- functions everywhere in the database.)
--
-- SECURITY DEFINER is written in the header of each function that needs it:
-- the functions through which a role without table (or pgmq) privileges
-- changes state, each checking its caller (_authorize_worker,
-- _authorize_client, _assert_may_grant), with search_path pinned to '' like
-- every function of pgflow. get_run_with_states, start_flow_with_states and
-- get_flow_shape stay invoker functions: their callers read the tables they
-- were granted, through row-level security.
revoke all on all functions in schema pgflow from public;

-- The pure helpers stay public: they read nothing. (Schema pgflow itself is
-- not usable by PUBLIC.)
grant execute on function pgflow.is_valid_slug(text), pgflow.calculate_retry_delay(numeric, integer) to public;
