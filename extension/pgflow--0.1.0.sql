-- pgflow: a DAG workflow engine inside PostgreSQL, on top of pgmq.
-- complain if the script is sourced in psql rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pgflow CASCADE" to load this file. \quit

-- is_valid_slug( slug )
-- A slug names a flow or a step: an identifier-like word of at most 128
-- characters. `run` is reserved: it is the key of the run input in task inputs.
create function pgflow.is_valid_slug(slug text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select slug is not null
     and slug <> ''
     and length(slug) <= 128
     and slug ~ '^[a-zA-Z_][a-zA-Z0-9_]*$'
     and slug <> 'run';
$$;

comment on function pgflow.is_valid_slug(text) is
  'true when the text is a valid flow or step slug: ^[a-zA-Z_][a-zA-Z0-9_]*$, at most 128 characters, not "run"';

-- What start_tasks hands a worker for each task it may now run.
-- The first five fields are the documented ones; the rest tell the worker
-- which element of a map it holds, which attempt this is and how long it has.
create type pgflow.step_task_record as (
  flow_slug      text,
  run_id         uuid,
  step_slug      text,
  input          jsonb,
  msg_id         bigint,
  task_index     integer,
  attempts_count integer,
  timeout        integer
);

-- Flow definitions: immutable once they have runs. The pgmq queue of a flow is
-- named after it, so a flow slug obeys pgmq's limit of 47 characters, and two
-- slugs that differ only in case would share a queue table (pgmq lowercases).
create table pgflow.flows (
  flow_slug        text        not null primary key,
  opt_max_attempts integer     not null default 3,
  opt_base_delay   integer     not null default 1,
  opt_timeout      integer     not null default 60,
  created_at       timestamptz not null default now(),
  constraint slug_is_valid check (pgflow.is_valid_slug(flow_slug) and length(flow_slug) <= 47),
  constraint opt_max_attempts_is_nonnegative check (opt_max_attempts >= 0),
  constraint opt_base_delay_is_nonnegative check (opt_base_delay >= 0),
  constraint opt_timeout_is_positive check (opt_timeout > 0)
);
create unique index flows_queue_name_key on pgflow.flows (lower(flow_slug));

-- Steps, in the order they were added (step_index): always a topological order,
-- because a step can only depend on steps that exist already.
create table pgflow.steps (
  flow_slug        text        not null references pgflow.flows (flow_slug),
  step_slug        text        not null,
  step_type        text        not null default 'single',
  step_index       integer     not null default 0,
  deps_count       integer     not null default 0,
  opt_max_attempts integer,
  opt_base_delay   integer,
  opt_timeout      integer,
  opt_start_delay  integer,
  created_at       timestamptz not null default now(),
  primary key (flow_slug, step_slug),
  constraint steps_step_index_key unique (flow_slug, step_index),
  constraint slug_is_valid check (pgflow.is_valid_slug(step_slug)),
  constraint step_type_is_valid check (step_type in ('single', 'map')),
  constraint step_index_is_nonnegative check (step_index >= 0),
  constraint deps_count_is_nonnegative check (deps_count >= 0),
  constraint map_has_at_most_one_dep check (step_type <> 'map' or deps_count <= 1),
  constraint opt_max_attempts_is_nonnegative check (opt_max_attempts >= 0),
  constraint opt_base_delay_is_nonnegative check (opt_base_delay >= 0),
  constraint opt_timeout_is_positive check (opt_timeout > 0),
  constraint opt_start_delay_is_nonnegative check (opt_start_delay >= 0)
);

-- Edges of the DAG: step_slug waits for dep_slug.
create table pgflow.deps (
  flow_slug  text        not null references pgflow.flows (flow_slug),
  dep_slug   text        not null,
  step_slug  text        not null,
  created_at timestamptz not null default now(),
  primary key (flow_slug, dep_slug, step_slug),
  foreign key (flow_slug, dep_slug) references pgflow.steps (flow_slug, step_slug),
  foreign key (flow_slug, step_slug) references pgflow.steps (flow_slug, step_slug),
  constraint no_self_dependency check (dep_slug <> step_slug)
);
create index deps_step_slug_idx on pgflow.deps (flow_slug, step_slug);

select pg_catalog.pg_extension_config_dump('pgflow.flows', '');
select pg_catalog.pg_extension_config_dump('pgflow.steps', '');
select pg_catalog.pg_extension_config_dump('pgflow.deps', '');

-- Worker processes, registered by register_worker and kept alive by heartbeat_worker.
create table pgflow.workers (
  worker_id         uuid        not null primary key,
  queue_name        text        not null,
  function_name     text        not null,
  started_at        timestamptz not null default now(),
  stopped_at        timestamptz,
  last_heartbeat_at timestamptz not null default now(),
  constraint stopped_at_is_after_started_at check (stopped_at is null or stopped_at >= started_at)
);
create index workers_queue_name_idx on pgflow.workers (queue_name);
create index workers_last_heartbeat_at_idx on pgflow.workers (last_heartbeat_at);

select pg_catalog.pg_extension_config_dump('pgflow.workers', '');

-- Runtime state, keyed by run_id first so that it can be distributed by run.

-- One row per run of a flow.
create table pgflow.runs (
  run_id          uuid        not null primary key default gen_random_uuid(),
  flow_slug       text        not null references pgflow.flows (flow_slug),
  status          text        not null default 'started',
  input           jsonb       not null,
  output          jsonb,
  remaining_steps integer     not null default 0,
  started_at      timestamptz not null default now(),
  completed_at    timestamptz,
  failed_at       timestamptz,
  constraint status_is_valid check (status in ('started', 'completed', 'failed')),
  constraint remaining_steps_is_nonnegative check (remaining_steps >= 0),
  constraint completed_at_or_failed_at check (completed_at is null or failed_at is null),
  constraint completed_at_is_after_started_at check (completed_at is null or completed_at >= started_at),
  constraint failed_at_is_after_started_at check (failed_at is null or failed_at >= started_at),
  constraint status_matches_timestamps check (
    (status = 'completed') = (completed_at is not null)
    and (status = 'failed') = (failed_at is not null)
  ),
  constraint completed_run_has_no_remaining_steps check (status <> 'completed' or remaining_steps = 0)
);
create index runs_flow_slug_idx on pgflow.runs (flow_slug);
create index runs_status_idx on pgflow.runs (status);

-- One row per step of a run. remaining_tasks is set when the step starts;
-- initial_tasks is known at creation for single steps (1) and root maps (the
-- input's length), and when its dependency completes for a dependent map.
-- output is the step's output once completed (for a map: the array of its
-- tasks' outputs, in task_index order).
create table pgflow.step_states (
  flow_slug       text        not null,
  run_id          uuid        not null references pgflow.runs (run_id),
  step_slug       text        not null,
  status          text        not null default 'created',
  remaining_tasks integer,
  remaining_deps  integer     not null default 0,
  created_at      timestamptz not null default now(),
  started_at      timestamptz,
  completed_at    timestamptz,
  failed_at       timestamptz,
  initial_tasks   integer,
  output          jsonb,
  error_message   text,
  primary key (run_id, step_slug),
  foreign key (flow_slug, step_slug) references pgflow.steps (flow_slug, step_slug),
  constraint status_is_valid check (status in ('created', 'started', 'completed', 'failed')),
  constraint remaining_tasks_is_nonnegative check (remaining_tasks >= 0),
  constraint remaining_deps_is_nonnegative check (remaining_deps >= 0),
  constraint initial_tasks_is_nonnegative check (initial_tasks >= 0),
  constraint status_matches_timestamps check (
    case status
      when 'created'   then started_at is null and completed_at is null and failed_at is null
      when 'started'   then started_at is not null and completed_at is null and failed_at is null
      when 'completed' then started_at is not null and completed_at is not null and failed_at is null
      when 'failed'    then completed_at is null and failed_at is not null
    end
  ),
  constraint status_matches_counters check (
    case status
      when 'created'   then remaining_tasks is null
      when 'started'   then remaining_deps = 0 and remaining_tasks > 0
      when 'completed' then remaining_deps = 0 and remaining_tasks = 0 and output is not null
      else true
    end
  )
);
create index step_states_flow_slug_idx on pgflow.step_states (flow_slug);
create index step_states_ready_idx on pgflow.step_states (run_id, status, remaining_deps);

-- One row per task: one for a single step, one per element for a map step.
-- message_id is the task's pgmq message in the flow's queue; it stays the same
-- across retries (a retry delays the same message).
create table pgflow.step_tasks (
  flow_slug      text        not null,
  run_id         uuid        not null,
  step_slug      text        not null,
  message_id     bigint,
  task_index     integer     not null default 0,
  status         text        not null default 'queued',
  attempts_count integer     not null default 0,
  error_message  text,
  output         jsonb,
  queued_at      timestamptz not null default now(),
  started_at     timestamptz,
  completed_at   timestamptz,
  failed_at      timestamptz,
  last_worker_id uuid        references pgflow.workers (worker_id) on delete set null,
  primary key (run_id, step_slug, task_index),
  foreign key (run_id, step_slug) references pgflow.step_states (run_id, step_slug),
  constraint status_is_valid check (status in ('queued', 'started', 'completed', 'failed')),
  constraint task_index_is_nonnegative check (task_index >= 0),
  constraint attempts_count_is_nonnegative check (attempts_count >= 0),
  constraint status_matches_timestamps check (
    case status
      when 'queued'    then started_at is null and completed_at is null and failed_at is null
      when 'started'   then started_at is not null and completed_at is null and failed_at is null
      when 'completed' then started_at is not null and completed_at is not null and failed_at is null
                            and output is not null
      when 'failed'    then completed_at is null and failed_at is not null
    end
  )
);
create index step_tasks_message_id_idx on pgflow.step_tasks (flow_slug, message_id);

select pg_catalog.pg_extension_config_dump('pgflow.runs', '');
select pg_catalog.pg_extension_config_dump('pgflow.step_states', '');
select pg_catalog.pg_extension_config_dump('pgflow.step_tasks', '');

-- calculate_retry_delay( base_delay, attempts_count )
-- Exponential backoff: floor(base_delay * 2^attempts_count) seconds, capped at
-- the largest integer so that a long retry chain cannot overflow. Null in,
-- null out.
create function pgflow.calculate_retry_delay(base_delay numeric, attempts_count integer)
returns integer
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select least(floor(base_delay * power(2::numeric, least(attempts_count, 64))), 2147483647)::integer;
$$;

comment on function pgflow.calculate_retry_delay(numeric, integer) is
  'seconds to wait before the next attempt: floor(base_delay * 2^attempts_count)';

-- _assert_slug( kind, slug )
-- Raises invalid_parameter_value unless slug is a valid slug; kind ('flow' or
-- 'step') names it in the message.
create function pgflow._assert_slug(kind text, slug text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('%s slug must not be null', kind),
      hint    = 'Slugs match ^[a-zA-Z_][a-zA-Z0-9_]*$ and are at most 128 characters.';
  end if;
  if slug = 'run' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('%s slug "run" is reserved', kind),
      hint    = 'A task input keeps the run input under "run"; choose another slug.';
  end if;
  if not pgflow.is_valid_slug(slug) then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid %s slug "%s"', kind, left(slug, 200)),
      hint    = 'Slugs match ^[a-zA-Z_][a-zA-Z0-9_]*$ and are at most 128 characters.';
  end if;
end;
$$;

-- _assert_option( name, value, minimum )
-- Raises invalid_parameter_value when a retry or timing option is below its
-- minimum. Null passes: it means "not set" (inherit the flow's value).
create function pgflow._assert_option(name text, value integer, minimum integer)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if value < minimum then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('%s must be at least %s, got %s', name, minimum, value),
      hint    = 'max_attempts, base_delay and start_delay are >= 0; timeout is >= 1 (seconds).';
  end if;
end;
$$;

-- create_flow( flow_slug, max_attempts, base_delay, timeout )
-- Defines a flow and creates its pgmq queue (named after the flow).
-- Flows are immutable: calling it again with the same options returns the
-- existing flow and changes nothing; other options under the same slug are an
-- error that names each difference.
create function pgflow.create_flow(
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
    return v_flow;
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
create function pgflow.add_step(
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

  return v_step;
end;
$$;

create function pgflow.add_step(
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

-- _emit_event( flow_slug, run_id, event_type, payload )
-- Sends one state-change event, in the caller's transaction, with pg_notify on
-- the global channel pgflow_events and on the flow's own channel (the flow
-- slug; at most 47 characters, so always a valid channel name). The message is
--   {"payload": {...}, "event": "<event_type>", "topic": "<flow_slug>", "timestamp": <epoch>}
-- and never carries outputs, so it stays far below NOTIFY's 8000-byte limit;
-- error messages are cut to 1000 characters. Where Supabase Realtime's
-- realtime.send() exists it gets the event too, with the output, on topic
-- pgflow:run:<run_id>, named run:<status> or step:<step_slug>:<status>.
create function pgflow._emit_event(flow_slug text, run_id uuid, event_type text, payload jsonb)
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
  perform pg_notify('pgflow_events', v_message);
  perform pg_notify(flow_slug, v_message);

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

-- _fail_run( run_id, flow_slug, error_message )
-- Marks a started run failed and archives the queue messages of its unfinished
-- tasks, so that no worker picks up work of a failed run. The caller holds the
-- run's lock.
create function pgflow._fail_run(run_id uuid, flow_slug text, error_message text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_failed_at timestamptz;
  v_msg_ids   bigint[];
begin
  update pgflow.runs as r
     set status = 'failed', failed_at = now()
   where r.run_id = _fail_run.run_id and r.status = 'started'
  returning r.failed_at into v_failed_at;
  if not found then
    return;
  end if;

  v_msg_ids := array(select t.message_id
                       from pgflow.step_tasks as t
                      where t.run_id = _fail_run.run_id
                        and t.status in ('queued', 'started')
                        and t.message_id is not null);
  if cardinality(v_msg_ids) > 0 then
    perform pgmq.archive(_fail_run.flow_slug, v_msg_ids);
  end if;

  perform pgflow._emit_event(_fail_run.flow_slug, _fail_run.run_id, 'run:failed',
    jsonb_build_object('status', 'failed', 'failed_at', v_failed_at, 'error_message', _fail_run.error_message));
end;
$$;

-- _complete_run_if_done( run_id, flow_slug )
-- Completes a started run that has no remaining steps. Its output holds the
-- outputs of its leaf steps (steps that no other step depends on), by slug.
create function pgflow._complete_run_if_done(run_id uuid, flow_slug text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype;
begin
  update pgflow.runs as r
     set status = 'completed',
         completed_at = now(),
         output = (select coalesce(jsonb_object_agg(ss.step_slug, ss.output), '{}'::jsonb)
                     from pgflow.step_states as ss
                    where ss.run_id = r.run_id
                      and not exists (select from pgflow.deps as d
                                       where d.flow_slug = ss.flow_slug and d.dep_slug = ss.step_slug))
   where r.run_id = _complete_run_if_done.run_id
     and r.status = 'started'
     and r.remaining_steps = 0
  returning r.* into v_run;
  if found then
    perform pgflow._emit_event(_complete_run_if_done.flow_slug, _complete_run_if_done.run_id, 'run:completed',
      jsonb_build_object('status', 'completed', 'completed_at', v_run.completed_at, 'output', v_run.output));
  end if;
end;
$$;

-- _settle_completed_steps( run_id, flow_slug, step_slugs )
-- Everything that follows from steps having just completed: their events, the
-- run's remaining_steps, their dependents' remaining_deps, and the task count
-- of a dependent map (the length of the array it maps over). A dependent map
-- whose dependency did not output an array fails, and with it the run: then
-- this returns false. The caller holds the run's lock.
create function pgflow._settle_completed_steps(run_id uuid, flow_slug text, step_slugs text[])
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_map   text;
  v_dep   text;
  v_type  text;
  v_error text;
begin
  perform pgflow._emit_event(_settle_completed_steps.flow_slug, _settle_completed_steps.run_id, 'step:completed',
            jsonb_build_object('step_slug', ss.step_slug, 'status', 'completed',
                               'completed_at', ss.completed_at, 'output', ss.output))
     from pgflow.step_states as ss
    where ss.run_id = _settle_completed_steps.run_id and ss.step_slug = any(_settle_completed_steps.step_slugs);

  update pgflow.runs as r
     set remaining_steps = r.remaining_steps - cardinality(_settle_completed_steps.step_slugs)
   where r.run_id = _settle_completed_steps.run_id;

  update pgflow.step_states as ss
     set remaining_deps = ss.remaining_deps - c.n,
         initial_tasks = case
           when s.step_type = 'map' and jsonb_typeof(dep.output) = 'array' then jsonb_array_length(dep.output)
           else ss.initial_tasks end
    from (select d.step_slug, count(*)::integer as n
            from pgflow.deps as d
           where d.flow_slug = _settle_completed_steps.flow_slug
             and d.dep_slug = any(_settle_completed_steps.step_slugs)
           group by d.step_slug) as c
    join pgflow.steps as s
      on s.flow_slug = _settle_completed_steps.flow_slug and s.step_slug = c.step_slug
    -- a map has at most one dependency: the step whose output it maps over
    left join pgflow.step_states as dep
      on s.step_type = 'map' and dep.run_id = _settle_completed_steps.run_id
     and dep.step_slug = any(_settle_completed_steps.step_slugs)
     and exists (select from pgflow.deps as md
                  where md.flow_slug = s.flow_slug and md.step_slug = s.step_slug and md.dep_slug = dep.step_slug)
   where ss.run_id = _settle_completed_steps.run_id and ss.step_slug = c.step_slug;

  -- Ready but with no task count: a map whose dependency's output is no array.
  select ss.step_slug, d.dep_slug, jsonb_typeof(dep.output)
    into v_map, v_dep, v_type
    from pgflow.step_states as ss
    join pgflow.deps as d on d.flow_slug = ss.flow_slug and d.step_slug = ss.step_slug
    join pgflow.step_states as dep on dep.run_id = ss.run_id and dep.step_slug = d.dep_slug
   where ss.run_id = _settle_completed_steps.run_id
     and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks is null
   limit 1;
  if found then
    v_error := format('map step "%s" needs an array, but step "%s" output %s', v_map, v_dep, coalesce(v_type, 'nothing'));
    update pgflow.step_states as ss
       set status = 'failed', failed_at = now(), error_message = v_error
     where ss.run_id = _settle_completed_steps.run_id and ss.step_slug = v_map;
    perform pgflow._emit_event(_settle_completed_steps.flow_slug, _settle_completed_steps.run_id, 'step:failed',
      jsonb_build_object('step_slug', v_map, 'status', 'failed', 'failed_at', now(), 'error_message', v_error));
    perform pgflow._fail_run(_settle_completed_steps.run_id, _settle_completed_steps.flow_slug, v_error);
    return false;
  end if;
  return true;
end;
$$;

-- _queue_ready_steps( run_id, flow_slug )
-- Starts every step of the run whose dependencies are all met and that has
-- tasks: one task per step (single) or per array element (map), each with its
-- pgmq message, sent after the step's start_delay. One send_batch per distinct
-- delay. The caller holds the run's lock.
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

-- _cascade( run_id, flow_slug, completed_steps )
-- Drives a run forward after steps completed (or, with null, after it
-- started): settles the completed steps, queues the steps that became ready,
-- completes at once the maps over empty arrays (which may make more steps
-- ready: hence the loop), and completes the run when nothing remains.
-- The caller holds the run's lock.
create function pgflow._cascade(run_id uuid, flow_slug text, completed_steps text[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_completed text[] := _cascade.completed_steps;
begin
  loop
    if v_completed is not null then
      if not pgflow._settle_completed_steps(_cascade.run_id, _cascade.flow_slug, v_completed) then
        return;
      end if;
    end if;

    perform pgflow._queue_ready_steps(_cascade.run_id, _cascade.flow_slug);

    with empty as (
      update pgflow.step_states as ss
         set status = 'completed', started_at = now(), completed_at = now(),
             remaining_tasks = 0, output = '[]'::jsonb
       where ss.run_id = _cascade.run_id
         and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks = 0
      returning ss.step_slug
    )
    select array_agg(e.step_slug) into v_completed from empty as e;

    exit when v_completed is null;
  end loop;

  perform pgflow._complete_run_if_done(_cascade.run_id, _cascade.flow_slug);
end;
$$;

-- start_flow( flow_slug, input, run_id )
-- Starts a run: the run row, one step_state per step, and tasks for every step
-- whose dependencies are met (root steps). run_id may be chosen by the caller
-- (an idempotency key of sorts); a run_id that exists already is an error.
create function pgflow.start_flow(flow_slug text, input jsonb, run_id uuid default null)
returns setof pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run_id     uuid := coalesce(start_flow.run_id, gen_random_uuid());
  v_step_count integer;
  v_root_map   text;
  v_length     integer := case when jsonb_typeof(start_flow.input) = 'array'
                               then jsonb_array_length(start_flow.input) end;
begin
  if start_flow.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Name the flow to start.';
  end if;
  if start_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of a run of flow "%s" must not be null', start_flow.flow_slug),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;

  -- Waits for an add_step in progress, so the run sees the flow's final steps.
  perform from pgflow.flows as f where f.flow_slug = start_flow.flow_slug for key share;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', start_flow.flow_slug),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;

  select count(*)::integer, min(s.step_slug) filter (where s.step_type = 'map' and s.deps_count = 0)
    into v_step_count, v_root_map
    from pgflow.steps as s
   where s.flow_slug = start_flow.flow_slug;
  if v_step_count = 0 then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" has no steps', start_flow.flow_slug),
      hint    = 'Add steps with pgflow.add_step() before starting it.';
  end if;
  if v_root_map is not null and jsonb_typeof(start_flow.input) <> 'array' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('input of flow "%s" must be an array: step "%s" maps over it, got %s',
                       start_flow.flow_slug, v_root_map, jsonb_typeof(start_flow.input)),
      hint    = 'Start the run with a JSON array; each element becomes one task of the map step.';
  end if;

  insert into pgflow.runs (run_id, flow_slug, input, remaining_steps)
  values (v_run_id, start_flow.flow_slug, start_flow.input, v_step_count)
  on conflict do nothing;
  if not found then
    raise exception using
      errcode = 'unique_violation',
      message = format('run "%s" already exists', v_run_id),
      hint    = 'Each run needs its own run_id; leave it out to get a new one.';
  end if;

  insert into pgflow.step_states (flow_slug, run_id, step_slug, remaining_deps, initial_tasks)
  select s.flow_slug, v_run_id, s.step_slug, s.deps_count,
         case when s.step_type = 'single' then 1
              when s.deps_count = 0 then v_length end
    from pgflow.steps as s
   where s.flow_slug = start_flow.flow_slug;

  perform pgflow._emit_event(start_flow.flow_slug, v_run_id, 'run:started',
    jsonb_build_object('status', 'started', 'started_at', now(), 'remaining_steps', v_step_count));

  perform pgflow._cascade(v_run_id, start_flow.flow_slug, null);

  return query select * from pgflow.runs as r where r.run_id = v_run_id;
end;
$$;

comment on function pgflow.start_flow(text, jsonb, uuid) is
  'starts a run of a flow with the given input and queues its root steps';

-- get_run_with_states( run_id )
-- A run and its step states as one JSON document: {"run": {...}, "steps": [...]},
-- steps in the order they were added to the flow.
create function pgflow.get_run_with_states(run_id uuid)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  select jsonb_build_object(
           'run', to_jsonb(r),
           'steps', coalesce((select jsonb_agg(to_jsonb(ss) order by s.step_index)
                                from pgflow.step_states as ss
                                join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
                               where ss.run_id = r.run_id), '[]'::jsonb))
    into v_result
    from pgflow.runs as r
   where r.run_id = get_run_with_states.run_id;
  if v_result is null then
    raise exception using
      errcode = 'undefined_object',
      message = format('run "%s" does not exist', coalesce(get_run_with_states.run_id::text, 'NULL')),
      hint    = 'Look run ids up in pgflow.runs.';
  end if;
  return v_result;
end;
$$;

comment on function pgflow.get_run_with_states(uuid) is
  'a run and its step states as {"run": ..., "steps": [...]}';

-- start_flow_with_states( flow_slug, input, run_id )
-- start_flow, returning the new run with its step states as get_run_with_states
-- does. Two statements: a stable function in the statement that starts the run
-- would read a snapshot without it.
create function pgflow.start_flow_with_states(flow_slug text, input jsonb, run_id uuid default null)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run_id uuid;
begin
  select r.run_id into v_run_id
    from pgflow.start_flow(start_flow_with_states.flow_slug, start_flow_with_states.input,
                           start_flow_with_states.run_id) as r;
  return pgflow.get_run_with_states(v_run_id);
end;
$$;

comment on function pgflow.start_flow_with_states(text, jsonb, uuid) is
  'starts a run and returns it with its step states, as get_run_with_states';

-- _assert_task_exists( run_id, flow_slug, step_slug, task_index )
-- Raises undefined_object unless the run has that task: the error path of
-- complete_task and fail_task, which leave existing tasks that are not started alone.
create function pgflow._assert_task_exists(run_id uuid, flow_slug text, step_slug text, task_index integer)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not exists (select from pgflow.steps as s
                  where s.flow_slug = _assert_task_exists.flow_slug and s.step_slug = _assert_task_exists.step_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('step "%s" does not exist in flow "%s"', coalesce(_assert_task_exists.step_slug, 'NULL'),
                       _assert_task_exists.flow_slug),
      hint    = 'Look the flow''s steps up in pgflow.steps.';
  end if;
  if not exists (select from pgflow.step_tasks as t
                  where t.run_id = _assert_task_exists.run_id and t.step_slug = _assert_task_exists.step_slug
                    and t.task_index = _assert_task_exists.task_index) then
    raise exception using
      errcode = 'undefined_object',
      message = format('task %s of step "%s" does not exist in run "%s"',
                       coalesce(_assert_task_exists.task_index::text, 'NULL'), _assert_task_exists.step_slug,
                       _assert_task_exists.run_id),
      hint    = 'A step has tasks once it has started: task 0 for a single step, 0 to N-1 for a map over N elements.';
  end if;
end;
$$;

-- _lock_run( run_id )
-- Locks a run for a state change and returns it; every function that changes
-- a run's state takes this lock first, so that changes to one run happen one
-- at a time and in one lock order. Raises undefined_object for an unknown run.
create function pgflow._lock_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype;
begin
  select * into v_run from pgflow.runs as r where r.run_id = _lock_run.run_id for no key update;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('run "%s" does not exist', coalesce(_lock_run.run_id::text, 'NULL')),
      hint    = 'Look run ids up in pgflow.runs.';
  end if;
  return v_run;
end;
$$;

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
-- longer running yield nothing. A message that belongs to no task at all is
-- archived with a warning, so a stray message cannot come back forever.
--
-- Task input: for a single step {"run": <run input>, "<dep>": <dep output>, ...};
-- for a map step the array element at task_index.
create function pgflow.start_tasks(flow_slug text, msg_ids bigint[], worker_id uuid)
returns setof pgflow.step_task_record
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_tasks   pgflow.step_task_record[];
  v_timeout integer;
  v_ids     bigint[];
  v_unknown bigint[];
  v_expired record;
begin
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

  -- Leases that ran out on the last attempt: fail those tasks (locking their
  -- runs first, as complete_task does) before starting anything.
  for v_expired in
    select t.run_id, t.step_slug, t.task_index, t.attempts_count, coalesce(s.opt_timeout, f.opt_timeout) as timeout
      from pgflow.step_tasks as t
      join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
      join pgflow.flows as f on f.flow_slug = t.flow_slug
     where t.flow_slug = start_tasks.flow_slug
       and t.message_id = any(start_tasks.msg_ids)
       and t.status = 'started'
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
    select t.run_id, t.step_slug, t.task_index
      from pgflow.step_tasks as t
      join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
      join pgflow.flows as f on f.flow_slug = t.flow_slug
      join pgflow.runs as r on r.run_id = t.run_id
     where t.flow_slug = start_tasks.flow_slug
       and t.message_id = any(start_tasks.msg_ids)
       and r.status = 'started'
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
      from candidates as c, pgflow.steps as s, pgflow.flows as f, pgflow.runs as r
     where t.run_id = c.run_id and t.step_slug = c.step_slug and t.task_index = c.task_index
       and s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
       and f.flow_slug = t.flow_slug
       and r.run_id = t.run_id
    returning t.run_id, t.step_slug, t.task_index, t.message_id, t.attempts_count,
              coalesce(s.opt_timeout, f.opt_timeout) as timeout, s.step_type, s.deps_count, r.input as run_input
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
                                where d.flow_slug = start_tasks.flow_slug and d.step_slug = st.step_slug),
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

  if coalesce(cardinality(v_tasks), 0) < cardinality(start_tasks.msg_ids) then
    v_unknown := array(select m from unnest(start_tasks.msg_ids) as m
                        where m is not null
                          and not exists (select from pgflow.step_tasks as t
                                           where t.flow_slug = start_tasks.flow_slug and t.message_id = m));
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
-- Only a started task of a running run is completed. Otherwise (the task is
-- queued, completed or failed already, or the run has finished) nothing
-- changes and no row is returned: a late or repeated call is harmless.
-- An unknown run, step or task is an error.
create function pgflow.complete_task(run_id uuid, step_slug text, task_index integer, output jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run         pgflow.runs%rowtype := pgflow._lock_run(complete_task.run_id);
  v_task        pgflow.step_tasks%rowtype;
  v_step_status text;
begin
  if complete_task.output is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('output of task %s of step "%s" must not be null',
                       coalesce(complete_task.task_index::text, 'NULL'), complete_task.step_slug),
      hint    = 'Complete a task with a JSON value; ''null''::jsonb for JSON null.';
  end if;

  update pgflow.step_tasks as t
     set status = 'completed', completed_at = now(), output = complete_task.output
   where t.run_id = complete_task.run_id
     and t.step_slug = complete_task.step_slug
     and t.task_index = complete_task.task_index
     and t.status = 'started'
     and v_run.status = 'started'
  returning * into v_task;
  if not found then
    perform pgflow._assert_task_exists(complete_task.run_id, v_run.flow_slug, complete_task.step_slug,
                                       complete_task.task_index);
    return;
  end if;

  perform pgmq.archive(v_run.flow_slug, v_task.message_id);

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
                             else complete_task.output
                           end
    from pgflow.steps as s
   where ss.run_id = complete_task.run_id
     and ss.step_slug = complete_task.step_slug
     and s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
  returning ss.status into v_step_status;

  if v_step_status = 'completed' then
    perform pgflow._cascade(complete_task.run_id, v_run.flow_slug, array[complete_task.step_slug]);
  end if;

  return next v_task;
end;
$$;

comment on function pgflow.complete_task(uuid, text, integer, jsonb) is
  'completes a started task with its output and cascades to dependent steps and the run';

-- fail_task( run_id, step_slug, task_index, error_message )
-- Records a started task's failure. While attempts remain (attempts_count <
-- max_attempts) the task is queued again and its message delayed by
-- calculate_retry_delay(base_delay, attempts_count - 1): base_delay, then
-- twice that, and so on. Otherwise the task, its step and the run fail, and
-- the run's other queued work is archived.
--
-- Like complete_task, it changes nothing and returns no row unless the task
-- is started and the run is running; an unknown run, step or task is an error.
create function pgflow.fail_task(run_id uuid, step_slug text, task_index integer, error_message text)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run          pgflow.runs%rowtype := pgflow._lock_run(fail_task.run_id);
  v_task         pgflow.step_tasks%rowtype;
  v_max_attempts integer;
  v_base_delay   integer;
begin
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
     and v_run.status = 'started'
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

  update pgflow.step_states as ss
     set status = 'failed', failed_at = now(), error_message = fail_task.error_message
   where ss.run_id = fail_task.run_id and ss.step_slug = fail_task.step_slug;
  perform pgflow._emit_event(v_run.flow_slug, fail_task.run_id, 'step:failed',
    jsonb_build_object('step_slug', fail_task.step_slug, 'status', 'failed', 'failed_at', now(),
                       'error_message', fail_task.error_message));
  perform pgmq.archive(v_run.flow_slug, v_task.message_id);
  perform pgflow._fail_run(fail_task.run_id, v_run.flow_slug, fail_task.error_message);

  return next v_task;
end;
$$;

comment on function pgflow.fail_task(uuid, text, integer, text) is
  'fails a started task: queued again with exponential backoff while attempts remain, else fails step and run';

-- set_vt_batch( queue_name, msg_ids, vt_offsets )
-- Sets the visibility timeout of many messages of a flow's queue at once:
-- message msg_ids[i] becomes visible vt_offsets[i] seconds from now.
create function pgflow.set_vt_batch(queue_name text, msg_ids bigint[], vt_offsets integer[])
returns setof pgmq.message_record
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the update it runs is dynamic, so the check cannot see that it writes)
begin
  if set_vt_batch.queue_name is null or set_vt_batch.msg_ids is null or set_vt_batch.vt_offsets is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'queue_name, msg_ids and vt_offsets must not be null',
      hint    = 'Pass a flow''s queue and two arrays of the same length.';
  end if;
  if cardinality(set_vt_batch.msg_ids) <> cardinality(set_vt_batch.vt_offsets) then
    raise exception using
      errcode = 'array_subscript_error',
      message = format('msg_ids has %s elements but vt_offsets has %s',
                       cardinality(set_vt_batch.msg_ids), cardinality(set_vt_batch.vt_offsets)),
      hint    = 'Give one offset (in seconds) per message id.';
  end if;
  if array_position(set_vt_batch.vt_offsets, null) is not null or array_position(set_vt_batch.msg_ids, null) is not null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'msg_ids and vt_offsets must not contain null',
      hint    = 'Give one offset (in seconds) per message id.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = set_vt_batch.queue_name) then
    raise exception using
      errcode = 'undefined_object',
      message = format('queue "%s" is not the queue of a flow', set_vt_batch.queue_name),
      hint    = 'A flow''s queue is named after the flow.';
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
  'sets the visibility timeout of many messages of a flow''s queue, one offset in seconds per message';

-- register_worker( worker_id, queue_name, function_name )
-- Registers a worker process serving a flow's queue, or re-registers it (a
-- restart): started again, not stopped, heartbeat now.
create function pgflow.register_worker(worker_id uuid, queue_name text, function_name text)
returns pgflow.workers
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
begin
  if register_worker.worker_id is null or register_worker.queue_name is null or register_worker.function_name is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'worker_id, queue_name and function_name must not be null',
      hint    = 'Name the worker (a uuid), the flow whose queue it reads and what runs it.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = register_worker.queue_name) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', register_worker.queue_name),
      hint    = 'A worker reads the queue named after the flow it serves.';
  end if;

  insert into pgflow.workers as w (worker_id, queue_name, function_name)
  values (register_worker.worker_id, register_worker.queue_name, register_worker.function_name)
  on conflict on constraint workers_pkey do update
     set queue_name = excluded.queue_name,
         function_name = excluded.function_name,
         started_at = now(),
         stopped_at = null,
         last_heartbeat_at = now()
  returning * into v_worker;
  return v_worker;
end;
$$;

comment on function pgflow.register_worker(uuid, text, text) is
  'registers a worker serving a flow''s queue (again after a restart)';

-- heartbeat_worker( worker_id )
-- A registered worker is alive: last_heartbeat_at = now(). Returns the worker,
-- whose stopped_at tells it whether it has been asked to stop.
create function pgflow.heartbeat_worker(worker_id uuid)
returns pgflow.workers
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
begin
  update pgflow.workers as w
     set last_heartbeat_at = now()
   where w.worker_id = heartbeat_worker.worker_id
  returning * into v_worker;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', coalesce(heartbeat_worker.worker_id::text, 'NULL')),
      hint    = 'Register it first with pgflow.register_worker(worker_id, queue_name, function_name).';
  end if;
  return v_worker;
end;
$$;

comment on function pgflow.heartbeat_worker(uuid) is
  'records that a worker is alive and returns it';

-- stop_worker( worker_id )
-- Marks a worker stopped (once: a second call keeps the first stopped_at).
create function pgflow.stop_worker(worker_id uuid)
returns pgflow.workers
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
begin
  update pgflow.workers as w
     set stopped_at = coalesce(w.stopped_at, greatest(now(), w.started_at))
   where w.worker_id = stop_worker.worker_id
  returning * into v_worker;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', coalesce(stop_worker.worker_id::text, 'NULL')),
      hint    = 'Look registered workers up in pgflow.workers.';
  end if;
  return v_worker;
end;
$$;

comment on function pgflow.stop_worker(uuid) is
  'marks a worker stopped';

-- Internal helpers are not part of the API: nobody but the owner calls them.
revoke all on function pgflow._assert_slug(text, text) from public;
revoke all on function pgflow._assert_option(text, integer, integer) from public;
revoke all on function pgflow._emit_event(text, uuid, text, jsonb) from public;
revoke all on function pgflow._fail_run(uuid, text, text) from public;
revoke all on function pgflow._complete_run_if_done(uuid, text) from public;
revoke all on function pgflow._settle_completed_steps(uuid, text, text[]) from public;
revoke all on function pgflow._queue_ready_steps(uuid, text) from public;
revoke all on function pgflow._cascade(uuid, text, text[]) from public;
revoke all on function pgflow._assert_task_exists(uuid, text, text, integer) from public;
revoke all on function pgflow._lock_run(uuid) from public;
