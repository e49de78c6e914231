\echo Use "ALTER EXTENSION pgflow UPDATE TO '0.2.11'" to load this file. \quit
-- Changes between pgflow 0.2.10 and 0.2.11 (CHANGELOG.md says what and why):
--  - complete_task's path of its own for one task of a single step, and the
--    hot path's reads by key whatever the statistics said when plans were made;
--  - Citus: flows are defined and runs started on a distributed database,
--    idempotency keys derive the run id, distribute() pins one connection per
--    node;
--  - one helper each for the client functions' prologue, the grant check and
--    the metrics' time window.
-- Functions whose signature stays are replaced (create or replace keeps
-- owner and grants); those whose signature or result changed are dropped
-- first and made again. No table changes.

-- Functions whose signature or result changed, or that are gone: dropped
-- here, made again below.
drop function pgflow._step_shape(pgflow.steps);

-- changed in 0.2.11 (sql/0140_function_add_step.sql)
-- add_step( flow_slug, step_slug, deps_slugs = '{}', max_attempts, base_delay, timeout, start_delay,
--           step_type, run_if, run_unless, when_unmet, when_exhausted )
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
  when_unmet   text    default 'skip',
  -- what happens when its attempts run out or a task fails for good: 'fail'
  -- (the run fails; null means it too), 'skip' (the step is skipped, its
  -- dependents run without its key) or 'skip_cascade' (it and everything
  -- downstream is skipped); an option, not part of the shape
  when_exhausted text  default 'fail'
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
  -- Errors upstream pgflow 0.8.1's tables raise, with their codes and words
  -- (its callers match them), say what is wrong in the detail (0.2.9).
  if not found then
    raise exception using
      errcode    = 'foreign_key_violation',
      message    = 'insert or update on table "steps" violates foreign key constraint "steps_flow_slug_fkey"',
      detail     = format('flow "%s" does not exist', left(add_step.flow_slug, 200)),
      hint       = 'Create it first with pgflow.create_flow().',
      schema     = 'pgflow', table = 'steps', constraint = 'steps_flow_slug_fkey';
  end if;

  if add_step.step_type is null or add_step.step_type not in ('single', 'map', 'signal') then
    raise exception using
      errcode = 'check_violation',
      message = 'new row for relation "steps" violates check constraint "steps_step_type_check"',
      schema  = 'pgflow', table = 'steps', constraint = 'steps_step_type_check',
      detail  = format('invalid step_type "%s" for step "%s"', coalesce(left(add_step.step_type, 200), 'NULL'), add_step.step_slug),
      hint    = 'step_type is "single" (one task), "map" (one task per array element) or "signal" (no task: send_signal completes it).';
  end if;
  -- A signal step has no task: options about tasks would be silently unused.
  if add_step.step_type = 'signal' and coalesce(add_step.max_attempts, add_step.base_delay, add_step.start_delay) is not null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('signal step "%s" takes no %s', add_step.step_slug,
                       case when add_step.max_attempts is not null then 'max_attempts'
                            when add_step.base_delay is not null then 'base_delay' else 'start_delay' end),
      hint    = 'A signal step has no task to retry or delay; its timeout is how long it waits for its signal.';
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
  if coalesce(add_step.when_exhausted, 'fail') not in ('fail', 'skip', 'skip_cascade') then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid when_exhausted "%s" for step "%s"', left(add_step.when_exhausted, 200), add_step.step_slug),
      hint    = 'when_exhausted is "fail" (fail the run, the default), "skip" (skip the step) or "skip_cascade" '
                || '(skip it and everything after it).';
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
      errcode = 'check_violation',
      message = 'new row for relation "deps" violates check constraint "deps_check"',
      schema  = 'pgflow', table = 'deps', constraint = 'deps_check',
      detail  = format('step "%s" cannot depend on itself', add_step.step_slug),
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
        then format('when_unmet %s -> %s', v_step.when_unmet, add_step.when_unmet) end,
      case when v_step.when_exhausted <> coalesce(add_step.when_exhausted, 'fail')
        then format('when_exhausted %s -> %s', v_step.when_exhausted, coalesce(add_step.when_exhausted, 'fail')) end
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
      errcode = 'foreign_key_violation',
      message = 'insert or update on table "deps" violates foreign key constraint "deps_flow_slug_dep_slug_fkey"',
      schema  = 'pgflow', table = 'deps', constraint = 'deps_flow_slug_dep_slug_fkey',
      detail  = format('step "%s" does not exist in flow "%s"', left(v_bad, 200), add_step.flow_slug),
      hint    = 'Add dependencies before the steps that use them.';
  end if;

  -- select 1, not an empty target list: Citus cannot plan one over many shards
  if exists (select 1 from pgflow.runs as r where r.flow_slug = add_step.flow_slug) then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" already has runs; step "%s" cannot be added', add_step.flow_slug, add_step.step_slug),
      hint    = 'A flow''s shape is frozen once it has run: define the new shape under a new flow slug.';
  end if;

  -- the alias: Citus (13.2) deparses INSERT ... SELECT into a reference
  -- table without one wrongly (missing FROM-clause entry for table "steps")
  insert into pgflow.steps as new_step (flow_slug, step_slug, step_type, step_index, deps_count,
                            opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay,
                            run_if, run_unless, when_unmet, when_exhausted)
  -- the next step_index: the last one read backwards through
  -- steps_flow_slug_step_index_key (max() read every step of the flow, which
  -- made a flow of n steps cost n^2)
  select add_step.flow_slug, add_step.step_slug, add_step.step_type,
         coalesce((select s.step_index + 1
                     from pgflow.steps as s
                    where s.flow_slug = add_step.flow_slug
                    order by s.step_index desc
                    limit 1), 0),
         cardinality(v_deps),
         add_step.max_attempts, add_step.base_delay, add_step.timeout, add_step.start_delay,
         add_step.run_if, add_step.run_unless, add_step.when_unmet, coalesce(add_step.when_exhausted, 'fail')
  returning * into strict v_step;

  insert into pgflow.deps (flow_slug, dep_slug, step_slug)
  select add_step.flow_slug, d, add_step.step_slug from unnest(v_deps) as d;
  -- the new step is the flow's last: its shape is appended to the stored one
  perform pgflow._append_shape_hash(add_step.flow_slug, v_step);

  return v_step;
end;
$$;

comment on function pgflow.add_step(text, text, text[], integer, integer, integer, integer, text, jsonb, jsonb, text, text) is
  'appends a step that waits for deps_slugs; the same step again is a no-op';

-- changed in 0.2.11 (sql/0150_function__flow_shape.sql)
-- _step_shape( flow_slug, step_slug, step_type, run_if, run_unless, when_unmet )
-- The canonical shape of one step, the element of _flow_shape's "steps":
-- its slug, step type, dependencies (sorted) and condition (run_if,
-- run_unless, and when_unmet where there is a condition). Options
-- (max_attempts, base_delay, timeout, start_delay) are not part of the
-- shape. The per-step object is built here and only here: a new part of a
-- step's definition is one more key below (keys whose value is JSON null are
-- left out, so that a step without it keeps its shape), plus its name in
-- _normalize_shape. It takes the step's columns, not its row: on Citus a
-- whole-row reference in a statement over pgflow.steps reaches the table's
-- shard with the shard's row type, which no function accepts.
create or replace function pgflow._step_shape(flow_slug text, step_slug text, step_type text,
                                   run_if jsonb, run_unless jsonb, when_unmet text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_object_agg(e.key, e.value)
    from jsonb_each(jsonb_build_object(
           'slug', _step_shape.step_slug,
           'type', _step_shape.step_type,
           'deps', to_jsonb(array(select d.dep_slug
                                     from pgflow.deps as d
                                    where d.flow_slug = _step_shape.flow_slug
                                      and d.step_slug = _step_shape.step_slug
                                    order by d.dep_slug)),
           'run_if', _step_shape.run_if,
           'run_unless', _step_shape.run_unless,
           -- when_unmet matters only with a condition
           'when_unmet', case when _step_shape.run_if is not null or _step_shape.run_unless is not null
                              then to_jsonb(_step_shape.when_unmet) end)) as e
   where e.value <> 'null'::jsonb;
$$;

-- _flow_shape( flow_slug )
-- The canonical shape of a flow: its steps in step_index order, each as
-- _step_shape builds it, as
--   {"steps": [{"slug": "a", "type": "single", "deps": []}, ...]}
-- An unknown flow has the shape of a flow without steps.
create or replace function pgflow._flow_shape(flow_slug text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('steps', coalesce(jsonb_agg(pgflow._step_shape(s.flow_slug, s.step_slug, s.step_type, s.run_if, s.run_unless, s.when_unmet)
                                                      order by s.step_index), '[]'::jsonb))
    from pgflow.steps as s
   where s.flow_slug = _flow_shape.flow_slug;
$$;

-- _shape_hash( shape )
-- The hex sha256 of a shape's jsonb text. jsonb stores an object's keys
-- sorted (by length, then bytes) and without duplicates, and prints them in
-- that order with fixed spacing, so equal shapes have equal text and hash,
-- in any database of the same pgflow version.
create or replace function pgflow._shape_hash(shape jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(pg_catalog.sha256(convert_to(shape::text, 'UTF8')), 'hex');
$$;

-- _store_shape_hash( flow_slug )
-- Sets the flow's shape_hash from its steps; create_flow calls it (and
-- _append_shape_hash when it cannot append). Returns the updated flow row.
-- It also keeps the shape's text for _append_shape_hash (see there).
create or replace function pgflow._store_shape_hash(flow_slug text)
returns pgflow.flows
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_text text := pgflow._flow_shape(_store_shape_hash.flow_slug)::text;
  v_flow pgflow.flows%rowtype;
begin
  update pgflow.flows as f
     set shape_hash = pgflow._shape_hash_of_text(v_text)
   where f.flow_slug = _store_shape_hash.flow_slug
  returning f.* into v_flow;
  if found then
    perform pg_catalog.set_config('pgflow.shape_text', _store_shape_hash.flow_slug || E'\n' || v_text, false);
  end if;
  return v_flow;
end;
$$;

-- _shape_hash_of_text( shape_text )
-- _shape_hash of a shape given as its jsonb text.
create or replace function pgflow._shape_hash_of_text(shape_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(pg_catalog.sha256(convert_to(_shape_hash_of_text.shape_text, 'UTF8')), 'hex');
$$;

-- _append_shape_hash( flow_slug, step )
-- add_step's shape_hash update: step was just added as the flow's last step.
-- Rebuilding the whole shape per add_step made a flow of n steps cost n^2
-- (a 1000-step flow took 18 s). The shape's jsonb text is
-- {"steps": [<step 0>, <step 1>, ...]}, so the new shape's text is the
-- previous one with the new step's text appended, and only the hash (fast,
-- linear in bytes) is taken over the whole text. The previous text is kept
-- in the session's setting pgflow.shape_text as "<flow_slug>\n<text>"
-- (transactional like every setting: a rollback reverts it); it is used
-- only when its sha256 is the flow's current shape_hash, so a text left by
-- another flow, by a change of the flow in another session, or set by hand
-- is never appended to: the shape is then rebuilt from the steps
-- (_store_shape_hash). The caller holds the flow's row lock.
create or replace function pgflow._append_shape_hash(flow_slug text, step pgflow.steps)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_cached text := current_setting('pgflow.shape_text', true);
  v_prefix text := _append_shape_hash.flow_slug || E'\n';
  v_old    text;
  v_text   text;
begin
  if v_cached is not null and left(v_cached, length(v_prefix)) = v_prefix then
    v_old := substr(v_cached, length(v_prefix) + 1);
    if right(v_old, 2) = ']}'
       and pgflow._shape_hash_of_text(v_old) = (select f.shape_hash from pgflow.flows as f
                                                 where f.flow_slug = _append_shape_hash.flow_slug) then
      v_text := left(v_old, -2)
                || case when v_old = '{"steps": []}' then '' else ', ' end
                || pgflow._step_shape(_append_shape_hash.step.flow_slug, _append_shape_hash.step.step_slug,
                                     _append_shape_hash.step.step_type, _append_shape_hash.step.run_if,
                                     _append_shape_hash.step.run_unless, _append_shape_hash.step.when_unmet)::text || ']}';
      update pgflow.flows as f
         set shape_hash = pgflow._shape_hash_of_text(v_text)
       where f.flow_slug = _append_shape_hash.flow_slug;
      perform pg_catalog.set_config('pgflow.shape_text', v_prefix || v_text, false);
      return;
    end if;
  end if;
  perform pgflow._store_shape_hash(_append_shape_hash.flow_slug);
end;
$$;

-- changed in 0.2.11 (sql/0196_function_delete_flow_and_data.sql)
-- delete_flow_and_data( flow_slug )
-- For development: removes a flow and everything of it, all or nothing: its
-- runs with their step_states and step_tasks, its steps and deps, the flow,
-- its pgmq queue (with its archive), the grants made for it
-- (pgflow.grants), and the cron jobs that schedule_flow made to start it (its
-- rows of pgflow.schedules). Workers registered on its
-- queue stay in pgflow.workers. Waits for runs of it being started.
create or replace function pgflow.delete_flow_and_data(flow_slug text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid;
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
      message = format('flow "%s" does not exist', left(delete_flow_and_data.flow_slug, 200)),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;

  -- Every run of it, locked: a task a concurrent complete_task adds comes
  -- before this delete or not at all (there is no foreign key to refuse it).
  if pgflow._is_distributed() then
    -- Citus locks rows of one shard per statement only: one run at a time
    foreach v_id in array array(select r.run_id from pgflow.runs as r
                                 where r.flow_slug = delete_flow_and_data.flow_slug order by r.run_id) loop
      perform from pgflow.runs as r where r.run_id = v_id for update;
    end loop;
  else
    perform from pgflow.runs as r where r.flow_slug = delete_flow_and_data.flow_slug order by r.run_id for update;
  end if;
  delete from pgflow.signals as sg where sg.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.step_tasks as t where t.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.step_states as ss where ss.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.runs as r where r.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.deps as d where d.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.steps as s where s.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.flows as f where f.flow_slug = delete_flow_and_data.flow_slug;
  perform pgmq.drop_queue(delete_flow_and_data.flow_slug);
  -- its grants go too: a flow created later under the same slug starts with none
  delete from pgflow.grants as g where g.flow_slug = delete_flow_and_data.flow_slug;

  perform pgflow._unschedule_job(s.job_name)
     from pgflow.schedules as s
    where s.flow_slug = delete_flow_and_data.flow_slug
    order by s.job_name;
end;
$$;

comment on function pgflow.delete_flow_and_data(text) is
  'for development: removes a flow with its runs, steps, queue and schedule_flow cron jobs';

-- changed in 0.2.11 (sql/0205_function_subscribe.sql)
-- subscribe( channel, ttl )
-- Asks for pg_notify events on a channel ('pgflow_events' for every flow, or
-- a flow's slug for its runs) for the next ttl (at most a day), and returns
-- until when. A listener calls it before LISTEN and again before it expires;
-- several listeners of one channel share its subscription, which lasts as long
-- as the latest of them asked. With pgflow.notify = auto (the default) events
-- go only to subscribed channels; on sends them everywhere, off nowhere.
create or replace function pgflow.subscribe(channel text, ttl interval default interval '2 minutes')
returns timestamptz
language plpgsql
volatile
security definer
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
  -- A client subscribes to the flows it may use (_authorize_client, before
  -- anything about the flow is told), and to every flow's events on
  -- pgflow_events only when it may use every flow. (LISTEN itself needs no
  -- privilege in PostgreSQL: the channels' payloads carry ids, statuses and
  -- error messages, never inputs or outputs.)
  if subscribe.channel = 'pgflow_events' then
    if not pgflow._may_grant(pgflow._caller())
       and not exists (select from pgflow.grants as g
                        where g.kind = 'client' and g.flow_slug is null
                          and pg_catalog.pg_has_role(pgflow._caller(), g.role, 'USAGE')) then
      raise exception using
        errcode = 'insufficient_privilege',
        message = format('role "%s" may not subscribe to the events of every flow', pgflow._caller()),
        hint    = 'Subscribe to the channel of a flow you use (its slug), or ask the owner of pgflow for grant_client(role) of every flow.';
    end if;
  else
    perform pgflow._authorize_client(subscribe.channel);
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

-- changed in 0.2.11 (sql/0216_function__skip_exhausted_step.sql)
-- _skip_exhausted_step( run_id, flow_slug, step_slug, error_message, failure )
-- What a step with when_exhausted 'skip' or 'skip_cascade' does instead of
-- failing when a task of it failed for good (_fail_step): the run goes on
-- without it.
-- - The step's tasks still open (the other elements of a map) will not run:
--   they fail ("not run: ...") and their messages are archived; the step is
--   skipped (skip_reason exhausted), keeping started_at and the error.
-- - 'skip': its dependents run without its key, as after a skip by
--   when_unmet; a map step that maps over it has no array and is skipped
--   (dependency_skipped).
-- - 'skip_cascade': every step downstream of it is skipped too
--   (dependency_skipped).
-- Skipped steps settle like completed ones, minus their output (the run's
-- remaining_steps, their dependents' remaining_deps), step:skipped is sent
-- for each (the first with the error and failure), and the run is driven on
-- (_cascade): what became ready is queued, and the run completes when
-- nothing remains. The caller holds the run's lock.
create or replace function pgflow._skip_exhausted_step(run_id uuid, flow_slug text, step_slug text, error_message text,
                                            failure text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_cascade boolean;
  v_msg_ids bigint[];
  v_skipped text[];
  v_new     text[];
  v_events  jsonb[];
begin
  select s.when_exhausted = 'skip_cascade' into v_cascade
    from pgflow.steps as s
   where s.flow_slug = _skip_exhausted_step.flow_slug and s.step_slug = _skip_exhausted_step.step_slug;

  with closed as (
    update pgflow.step_tasks as t
       set status = 'failed', failed_at = now(),
           error_message = format('not run: step "%s" was skipped after a task failed for good (when_exhausted)',
                                  _skip_exhausted_step.step_slug)
     where t.run_id = _skip_exhausted_step.run_id and t.step_slug = _skip_exhausted_step.step_slug
       and t.status in ('queued', 'started')
    returning t.message_id
  )
  select array_agg(c.message_id order by c.message_id) into v_msg_ids from closed as c where c.message_id is not null;
  if cardinality(v_msg_ids) > 0 then
    perform pgmq.archive(_skip_exhausted_step.flow_slug, v_msg_ids);
  end if;

  update pgflow.step_states as ss
     set status = 'skipped', skipped_at = now(), skip_reason = 'exhausted', remaining_tasks = null,
         error_message = _skip_exhausted_step.error_message
   where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = _skip_exhausted_step.step_slug;
  perform pgflow._emit_event(_skip_exhausted_step.flow_slug, _skip_exhausted_step.run_id, 'step:skipped',
    jsonb_build_object('step_slug', _skip_exhausted_step.step_slug, 'status', 'skipped', 'skipped_at', now(),
                       'skip_reason', 'exhausted', 'error_message', _skip_exhausted_step.error_message,
                       'failure', _skip_exhausted_step.failure));
  v_skipped := array[_skip_exhausted_step.step_slug];

  loop
    -- settle what was just skipped: like a completed step, minus its output
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - cardinality(v_skipped)
     where r.run_id = _skip_exhausted_step.run_id;
    update pgflow.step_states as ss
       set remaining_deps = ss.remaining_deps - c.n
      from (select d.step_slug, count(*)::integer as n
              from pgflow.deps as d
             where d.flow_slug = _skip_exhausted_step.flow_slug and d.dep_slug = any(v_skipped)
             group by d.step_slug) as c
     where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = c.step_slug;

    -- next: everything downstream (skip_cascade, once), or the maps over what was skipped
    with recursive downstream as (
      select d.step_slug from pgflow.deps as d
       where v_cascade and d.flow_slug = _skip_exhausted_step.flow_slug and d.dep_slug = any(v_skipped)
      union
      select d.step_slug from pgflow.deps as d join downstream as ds on d.dep_slug = ds.step_slug
       where d.flow_slug = _skip_exhausted_step.flow_slug
    ), skipped as (
      update pgflow.step_states as ss
         set status = 'skipped', skipped_at = now(), skip_reason = 'dependency_skipped'
       where ss.run_id = _skip_exhausted_step.run_id and ss.status = 'created'
         and (ss.step_slug in (select ds.step_slug from downstream as ds)
              or ss.step_slug in (select d.step_slug
                                    from pgflow.deps as d
                                    join pgflow.steps as s on s.flow_slug = d.flow_slug and s.step_slug = d.step_slug
                                   where d.flow_slug = _skip_exhausted_step.flow_slug and d.dep_slug = any(v_skipped)
                                     and s.step_type = 'map'))
      returning ss.step_slug
    )
    select array_agg(sk.step_slug) into v_new from skipped as sk;
    exit when v_new is null;
    v_cascade := false; -- the whole downstream is skipped already
    v_skipped := v_new;
    if pgflow._is_distributed() then
      -- Citus would call _emit_event on the run's node: the values read first
      v_events := array(select jsonb_build_object('step_slug', ss.step_slug, 'status', 'skipped',
                                                  'skipped_at', ss.skipped_at, 'skip_reason', ss.skip_reason)
                          from pgflow.step_states as ss
                          join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
                         where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = any(v_skipped)
                         order by s.step_index);
      perform pgflow._emit_event(_skip_exhausted_step.flow_slug, _skip_exhausted_step.run_id, 'step:skipped', e.p)
         from unnest(v_events) with ordinality as e(p, n)
        order by e.n;
    else
      perform pgflow._emit_event(_skip_exhausted_step.flow_slug, _skip_exhausted_step.run_id, 'step:skipped',
                jsonb_build_object('step_slug', ss.step_slug, 'status', 'skipped',
                                   'skipped_at', ss.skipped_at, 'skip_reason', ss.skip_reason))
         from pgflow.step_states as ss
         join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
        where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = any(v_skipped)
        order by s.step_index;
    end if;
  end loop;

  perform pgflow._cascade(array[_skip_exhausted_step.run_id], array[_skip_exhausted_step.flow_slug], null, null);
end;
$$;

-- changed in 0.2.11 (sql/0220_function__complete_runs_if_done.sql)
-- _complete_runs_if_done( run_ids )
-- Completes each of the runs that is started (or paused: nothing is left to
-- hold) and has no remaining steps. A run's output holds the outputs of its
-- leaf steps (steps that no other step depends on), by slug; skipped leaves
-- have no output and are left out. The caller holds the runs' locks.
create or replace function pgflow._complete_runs_if_done(run_ids uuid[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_completed uuid[];
  v_flows     text[];
  v_runs      uuid[];
  v_events    jsonb[];
begin
  with completed as (
    update pgflow.runs as r
       set status = 'completed',
           completed_at = now(),
           paused_at = null,
           output = (select coalesce(jsonb_object_agg(ss.step_slug, ss.output), '{}'::jsonb)
                       from pgflow.step_states as ss
                      where ss.run_id = r.run_id
                        and ss.status = 'completed'
                        and not exists (select from pgflow.deps as d
                                         where d.flow_slug = ss.flow_slug and d.dep_slug = ss.step_slug))
     where r.run_id = any(_complete_runs_if_done.run_ids)
       -- started or paused (cancel: a paused run completes when nothing remains);
       -- written so that no plan looks runs up by status rather than by run_id
       and r.status not in ('completed', 'failed', 'cancelled')
       and r.remaining_steps = 0
    returning r.run_id
  )
  select array_agg(c.run_id) into v_completed from completed as c;

  if v_completed is not null and pgflow._events_wanted() then
    if pgflow._is_distributed() then
      -- Citus would call _emit_event on the runs' nodes: the values read first
      select array_agg(r.flow_slug order by r.run_id), array_agg(r.run_id order by r.run_id),
             array_agg(jsonb_build_object('status', 'completed', 'completed_at', r.completed_at, 'output', r.output)
                       order by r.run_id)
        into v_flows, v_runs, v_events
        from pgflow.runs as r
       where r.run_id = any(v_completed);
      perform pgflow._emit_event(e.f, e.r, 'run:completed', e.p)
         from unnest(v_flows, v_runs, v_events) with ordinality as e(f, r, p, n)
        order by e.n;
    else
      perform pgflow._emit_event(r.flow_slug, r.run_id, 'run:completed',
                jsonb_build_object('status', 'completed', 'completed_at', r.completed_at, 'output', r.output))
         from pgflow.runs as r
        where r.run_id = any(v_completed)
        order by r.run_id;
    end if;
  end if;
end;
$$;

-- changed in 0.2.11 (sql/0230_function__settle_completed_steps.sql)
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
-- failed so (usually none). finished lists the runs whose remaining_steps
-- reached 0 here, the only ones these completions can complete (_cascade
-- then calls _complete_runs_if_done for them alone). The caller holds the
-- runs' locks.
--
-- Keys. The runtime rows are read one by one by their primary key, in
-- lateral subqueries that the planner may not flatten (offset 0). The entry
-- points force generic plans, made once per session; one made while the
-- tables were small (just truncated, or analyzed empty) otherwise scanned
-- all of a flow's step_states through flow_slug and filtered them in the
-- join, as long as the session lived: 440 rows read for one completion in
-- the bench, and more as the table grew. A join's equalities, or = any(...)
-- of the keys, leave the planner that choice; a lateral subquery does not.
create or replace function pgflow._settle_completed_steps(run_ids uuid[], step_slugs text[], start_ready boolean,
                                               out failed uuid[], out ready pgflow.step_states[],
                                               out finished uuid[])
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now     timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_any_map boolean;
  v_bad     record;
  v_error   text;
  v_flows   text[];
  v_runs    uuid[];
  v_events  jsonb[];
begin
  failed := '{}'::uuid[];

  if pgflow._events_wanted() then
    if pgflow._is_distributed() then
      -- Citus would call _emit_event on the runs' nodes: the values read first
      select array_agg(ss.flow_slug order by u.n), array_agg(ss.run_id order by u.n),
             array_agg(jsonb_build_object('step_slug', ss.step_slug, 'status', 'completed', 'started_at', ss.started_at,
                                          'completed_at', ss.completed_at, 'output', ss.output) order by u.n)
        into v_flows, v_runs, v_events
        from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) with ordinality as u(r, s, n)
        join pgflow.step_states as ss on ss.run_id = u.r and ss.step_slug = u.s
                                     and ss.run_id = any(_settle_completed_steps.run_ids);
      perform pgflow._emit_event(e.f, e.r, 'step:completed', e.p)
         from unnest(v_flows, v_runs, v_events) with ordinality as e(f, r, p, n)
        order by e.n;
    else
      perform pgflow._emit_event(ss.flow_slug, ss.run_id, 'step:completed',
                jsonb_build_object('step_slug', ss.step_slug, 'status', 'completed', 'started_at', ss.started_at,
                                   'completed_at', ss.completed_at, 'output', ss.output))
         from unnest(_settle_completed_steps.run_ids, _settle_completed_steps.step_slugs) with ordinality as u(r, s, n)
         join pgflow.step_states as ss on ss.run_id = u.r and ss.step_slug = u.s
                                      and ss.run_id = any(_settle_completed_steps.run_ids)
                                      and ss.step_slug = any(_settle_completed_steps.step_slugs)
        order by u.n;
    end if;
  end if;

  with settled_runs as (
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - c.n
      from (select u.r, count(*)::integer as n
              from unnest(_settle_completed_steps.run_ids) as u(r)
             group by u.r) as c
     where r.run_id = c.r
    returning r.run_id, r.remaining_steps
  )
  select coalesce(array_agg(sr.run_id order by sr.run_id) filter (where sr.remaining_steps = 0), '{}'::uuid[])
    into finished
    from settled_runs as sr;

  -- A map has exactly one dependency: the step whose output it maps over.
  -- The step becomes ready when its last dependency completes (remaining_deps
  -- reaches 0) and has tasks (initial_tasks > 0: 0 is a map over [], null a
  -- map over no array, both settled by the caller or below).
  if pgflow._is_distributed() then
    -- Citus: the same statement with run_id named on each distributed table
    -- (it refuses the lateral lookups beside a table function)
    with settled as (
      update pgflow.step_states as ss
         set remaining_deps  = ss.remaining_deps - c.n,
             initial_tasks   = c.initial_tasks,
             status          = case when c.start_now then 'started' else ss.status end,
             started_at      = case when c.start_now then v_now else ss.started_at end,
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
                                                       and done.run_id = any(_settle_completed_steps.run_ids)
                        join pgflow.runs as r on r.run_id = done.run_id and r.run_id = any(_settle_completed_steps.run_ids)
                        join pgflow.deps as d on d.flow_slug = done.flow_slug and d.dep_slug = done.step_slug
                        join pgflow.steps as s on s.flow_slug = d.flow_slug and s.step_slug = d.step_slug
                        join pgflow.step_states as dep on dep.run_id = done.run_id and dep.step_slug = d.step_slug
                                                      and dep.run_id = any(_settle_completed_steps.run_ids)
                       group by done.run_id, d.step_slug, r.status, dep.status, dep.remaining_deps, dep.initial_tasks) as g
             ) as c
       where ss.run_id = c.run_id and ss.step_slug = c.step_slug and ss.run_id = any(_settle_completed_steps.run_ids)
      returning ss, c.start_now, c.is_map
    )
    select bool_or(st.is_map), array_agg(st.ss order by (st.ss).run_id, (st.ss).step_slug) filter (where st.start_now)
      into v_any_map, ready
      from settled as st;
  else
    with settled as (
      update pgflow.step_states as ss
         set remaining_deps  = ss.remaining_deps - c.n,
             initial_tasks   = c.initial_tasks,
             status          = case when c.start_now then 'started' else ss.status end,
             started_at      = case when c.start_now then v_now else ss.started_at end,
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
                       cross join lateral (select x.* from pgflow.step_states as x
                                            where x.run_id = u.r and x.step_slug = u.s offset 0) as done
                       cross join lateral (select x.* from pgflow.runs as x where x.run_id = u.r offset 0) as r
                        join pgflow.deps as d on d.flow_slug = done.flow_slug and d.dep_slug = done.step_slug
                        join pgflow.steps as s on s.flow_slug = d.flow_slug and s.step_slug = d.step_slug
                       cross join lateral (select x.* from pgflow.step_states as x
                                            where x.run_id = done.run_id and x.step_slug = d.step_slug offset 0) as dep
                       group by done.run_id, d.step_slug, r.status, dep.status, dep.remaining_deps, dep.initial_tasks) as g
             ) as c
       where ss.run_id = c.run_id and ss.step_slug = c.step_slug
      returning ss, c.start_now, c.is_map
    )
    select bool_or(st.is_map), array_agg(st.ss order by (st.ss).run_id, (st.ss).step_slug) filter (where st.start_now)
      into v_any_map, ready
      from settled as st;
  end if;

  if not coalesce(v_any_map, false) then
    return;
  end if;

  -- Ready but with no task count: a map whose dependency's output is no array.
  for v_bad in
    select distinct on (ss.run_id) ss.run_id, ss.flow_slug, ss.step_slug, d.dep_slug, jsonb_typeof(dep.output) as type
      from pgflow.step_states as ss
      join pgflow.deps as d on d.flow_slug = ss.flow_slug and d.step_slug = ss.step_slug
      join pgflow.step_states as dep on dep.run_id = ss.run_id and dep.step_slug = d.dep_slug
                                     and dep.run_id = any(_settle_completed_steps.run_ids)
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

-- changed in 0.2.11 (sql/0235_function__apply_conditions.sql)
-- _apply_conditions( run_id, flow_slug )
-- Tests the conditions of the steps that are ready (created, every dependency
-- settled) before they are queued, and skips what cannot run. A step's input is
--   {"run": <run input>, "<dep>": <dep output>, ...}
-- over its direct dependencies that completed (a skipped one has no key). Its
-- condition is met when the input contains run_if (if set) and does not
-- contain run_unless (if set): JSONB containment, plain data, never SQL. For a
-- map step that is the same step-level input, not each element. Unmet:
--   skip          the step is skipped (skip_reason condition_unmet);
--   skip_cascade  it is skipped, and so is every step downstream of it, even
--                 one with other dependencies (skip_reason dependency_skipped);
--   fail          the step fails, and with it the run: then this returns false.
-- A map step whose dependency was skipped has nothing to map over: it is
-- skipped (dependency_skipped). A skipped step settles like a completed one:
-- the run's remaining_steps and its dependents' remaining_deps go down, which
-- can make more steps ready: hence the loop. The caller holds the run's lock.
-- Every statement names run_id on each runtime table it reads, so that on
-- Citus it goes to the run's shard only (a correlated run_id is not enough
-- there); events are sent from values read first, on the node the caller
-- is connected to (a function called in a statement over a distributed
-- table would run on the shard's node).
create or replace function pgflow._apply_conditions(run_id uuid, flow_slug text)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_unmet   text[];
  v_cascade text[];
  v_map     text[];
  v_fail    text;
  v_skipped text[];
  v_error   text;
  v_at      timestamptz[];
  v_reason  text[];
begin
  -- A flow without conditions never skips anything (skips start at an unmet
  -- condition): nothing to test, the common case on the hot path.
  if not exists (select from pgflow.steps as s
                  where s.flow_slug = _apply_conditions.flow_slug
                    and (s.run_if is not null or s.run_unless is not null)) then
    return true;
  end if;

  loop
    -- Ready steps that have a condition, or that map over a skipped step.
    select array_agg(c.step_slug order by c.step_index) filter (where c.map_dep_skipped),
           array_agg(c.step_slug order by c.step_index)
             filter (where not c.map_dep_skipped and not c.met and c.when_unmet = 'skip'),
           array_agg(c.step_slug order by c.step_index)
             filter (where not c.map_dep_skipped and not c.met and c.when_unmet = 'skip_cascade'),
           min(c.step_slug) filter (where not c.map_dep_skipped and not c.met and c.when_unmet = 'fail')
      into v_map, v_unmet, v_cascade, v_fail
      from (select s.step_slug, s.step_index, s.when_unmet,
                   (s.step_type = 'map' and exists (
                      select from pgflow.deps as d
                        join pgflow.step_states as dep
                          on dep.run_id = _apply_conditions.run_id and dep.step_slug = d.dep_slug
                       where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug
                         and dep.status = 'skipped')) as map_dep_skipped,
                   (s.run_if is null or i.input @> s.run_if)
                     and (s.run_unless is null or not i.input @> s.run_unless) as met
              from pgflow.step_states as ss
              join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
              join pgflow.runs as r on r.run_id = _apply_conditions.run_id
             -- the input, only for steps that have a condition (met otherwise)
              left join lateral (
               select jsonb_build_object('run', r.input)
                      || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                                     from pgflow.deps as d
                                     join pgflow.step_states as dep
                                       on dep.run_id = _apply_conditions.run_id and dep.step_slug = d.dep_slug
                                    where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug
                                      and dep.status = 'completed'),
                                  '{}'::jsonb) as input
                where s.run_if is not null or s.run_unless is not null) as i on true
             where ss.run_id = _apply_conditions.run_id
               and ss.status = 'created' and ss.remaining_deps = 0
               and (s.run_if is not null or s.run_unless is not null or s.step_type = 'map')) as c
     where c.map_dep_skipped or not c.met;

    if v_fail is not null then
      v_error := format('step "%s" was not run: its condition was not met (when_unmet is fail)', v_fail);
      perform pgflow._fail_step(_apply_conditions.run_id, _apply_conditions.flow_slug, v_fail, v_error);
      return false;
    end if;

    exit when v_map is null and v_unmet is null and v_cascade is null;

    -- Skip them, and for skip_cascade every step still waiting downstream.
    with recursive downstream as (
      select d.step_slug
        from pgflow.deps as d
       where d.flow_slug = _apply_conditions.flow_slug and d.dep_slug = any(v_cascade)
      union
      select d.step_slug
        from pgflow.deps as d
        join downstream as ds on d.dep_slug = ds.step_slug
       where d.flow_slug = _apply_conditions.flow_slug
    ), skipped as (
      update pgflow.step_states as ss
         set status = 'skipped', skipped_at = now(),
             skip_reason = case when ss.step_slug = any(coalesce(v_unmet, '{}') || coalesce(v_cascade, '{}'))
                                then 'condition_unmet' else 'dependency_skipped' end
       where ss.run_id = _apply_conditions.run_id and ss.status = 'created'
         and (ss.step_slug = any(coalesce(v_unmet, '{}') || coalesce(v_cascade, '{}') || coalesce(v_map, '{}'))
              or ss.step_slug in (select ds.step_slug from downstream as ds))
      returning ss.step_slug, ss.skipped_at, ss.skip_reason
    )
    select array_agg(sk.step_slug order by s.step_index), array_agg(sk.skipped_at order by s.step_index),
           array_agg(sk.skip_reason order by s.step_index)
      into v_skipped, v_at, v_reason
      from skipped as sk
      join pgflow.steps as s on s.flow_slug = _apply_conditions.flow_slug and s.step_slug = sk.step_slug;

    if pgflow._events_wanted() then
      perform pgflow._emit_event(_apply_conditions.flow_slug, _apply_conditions.run_id, 'step:skipped',
                jsonb_build_object('step_slug', e.step_slug, 'status', 'skipped',
                                   'skipped_at', e.skipped_at, 'skip_reason', e.skip_reason))
         from unnest(v_skipped, v_at, v_reason) with ordinality as e(step_slug, skipped_at, skip_reason, n)
        order by e.n;
    end if;

    -- A skipped step settles: like a completed one, minus its output.
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - cardinality(v_skipped)
     where r.run_id = _apply_conditions.run_id;

    update pgflow.step_states as ss
       set remaining_deps = ss.remaining_deps - c.n
      from (select d.step_slug, count(*)::integer as n
              from pgflow.deps as d
             where d.flow_slug = _apply_conditions.flow_slug and d.dep_slug = any(v_skipped)
             group by d.step_slug) as c
     where ss.run_id = _apply_conditions.run_id and ss.step_slug = c.step_slug;
  end loop;
  return true;
end;
$$;

-- changed in 0.2.11 (sql/0240_function__queue_ready_steps.sql)
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
create or replace function pgflow._queue_ready_steps(run_ids uuid[], started pgflow.step_states[])
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

-- new in 0.2.11 (sql/0292_function__idempotent_run_id.sql)
-- _idempotent_run_id( flow_slug, idempotency_key )
-- The run id of a run started with an idempotency key and no run id: a
-- name-based uuid (RFC 9562's version 8 with SHA-256, uuid v5's recipe with
-- a hash PostgreSQL has built in), the first 16 bytes of sha256 over a
-- namespace of pgflow's own and "<flow_slug>:<idempotency_key>" (a slug
-- holds no ':', so two pairs never hash the same text), with the version
-- and variant bits set. Two starts of a flow with one key get one run id,
-- so the primary key keeps them apart: on plain PostgreSQL as the unique
-- index on (flow_slug, idempotency_key) does, and on Citus, where that
-- index cannot be unique (docs/scaling.md), alone. The same pair gives the
-- same id in every database and version. Null where either is null.
create function pgflow._idempotent_run_id(flow_slug text, idempotency_key text)
returns uuid
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select pg_catalog.encode(
           pg_catalog.set_byte(pg_catalog.set_byte(h.b, 6, (pg_catalog.get_byte(h.b, 6) & 15) | 128),
                               8, (pg_catalog.get_byte(h.b, 8) & 63) | 128),
           'hex')::uuid
    from (select pg_catalog.substr(
                   pg_catalog.sha256(pg_catalog.decode('8c3f1b0e5a7d4e2f9b6c0d1e2f3a4b5c', 'hex')
                                     || pg_catalog.convert_to(_idempotent_run_id.flow_slug || ':'
                                                              || _idempotent_run_id.idempotency_key, 'UTF8')),
                   1, 16) as b) as h;
$$;

revoke all on function pgflow._idempotent_run_id(text, text) from public;

-- changed in 0.2.11 (sql/0295_function__start_runs.sql)
-- _start_runs( flow_slug, inputs, run_ids, idempotency_keys )
-- What start_flow and start_flows share: starts one run of the flow per
-- input (inputs[i], with run id run_ids[i], a new one where that is null,
-- and idempotency key idempotency_keys[i], checked by the caller),
-- all in one go: the runs, one step_state per step of each, their run:started
-- events, and one cascade for all of them, which queues every root step with
-- one send_batch. A root step with tasks is inserted started when the flow
-- has no conditions (they are tested before anything starts): one row
-- version less per run than starting it in the cascade. Returns the runs in
-- the order of their inputs. One bad input and no run starts.
-- An input whose key a run of the flow has already (or an earlier input of
-- the call) starts nothing and returns that run (its run id, if given, is
-- not used). An input with a key and no run id gets the run id derived from
-- the key (_idempotent_run_id), so the primary key, and on plain
-- PostgreSQL the key's unique index too, makes a second session that starts
-- the same key at the same time wait for the first one's commit and then
-- return its run (or, should the first roll back, start it itself). On
-- Citus the key's index is not unique: there only the derived run id keeps
-- two starts of one key apart (an explicit run id with a key is the
-- caller's to keep unique).
create or replace function pgflow._start_runs(flow_slug text, inputs jsonb[], run_ids uuid[],
                                   idempotency_keys text[] default null)
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
  v_new_ids    uuid[];
  v_new_inputs jsonb[];
  v_first      boolean[];
  v_dup        record;
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
     where u.input is null or jsonb_typeof(u.input) <> 'array'
     order by u.n
     limit 1;
    if found then
      -- upstream pgflow 0.8.1's code and words, which its callers match (0.2.9)
      raise exception using
        errcode = 'raise_exception',
        message = case when v_bad.type is null
                    then format('Flow %s has root map steps but input is NULL', _start_runs.flow_slug)
                    else format('Flow %s has root map steps but input is not an array (got %s)',
                                _start_runs.flow_slug, v_bad.type) end,
        detail  = format('input of flow "%s" must be an array: step "%s" maps over it, got %s',
                         _start_runs.flow_slug, v_root_map, coalesce(v_bad.type, 'NULL')),
        hint    = 'Start the run with a JSON array; each element becomes one task of the map step.';
    end if;
  end if;

  if _start_runs.idempotency_keys is null then
    v_ids := array(select coalesce(u.id, gen_random_uuid())
                     from unnest(_start_runs.inputs, _start_runs.run_ids) with ordinality as u(input, id, n)
                    order by u.n);
  else
    v_ids := array(select coalesce(u.id, pgflow._idempotent_run_id(_start_runs.flow_slug, u.k), gen_random_uuid())
                     from unnest(_start_runs.inputs, _start_runs.run_ids, _start_runs.idempotency_keys)
                            with ordinality as u(input, id, k, n)
                    order by u.n);
  end if;

  -- A key repeated in the call: its later inputs get its first input's run
  -- (v_first: the input is the first of its key, or has none).
  if _start_runs.idempotency_keys is not null then
    select array_agg(w.id order by w.n), array_agg(w.first order by w.n)
      into v_ids, v_first
      from (select case when u.k is null then u.id else first_value(u.id) over k end as id,
                   u.k is null or row_number() over k = 1 as first, u.n
              from unnest(v_ids, _start_runs.idempotency_keys) with ordinality as u(id, k, n)
            window k as (partition by u.k order by u.n)) as w;
  end if;

  with inserted as (
    insert into pgflow.runs (run_id, flow_slug, input, remaining_steps, idempotency_key)
    select u.id, _start_runs.flow_slug, u.input, v_step_count, u.k
      from unnest(v_ids, _start_runs.inputs, _start_runs.idempotency_keys, v_first) as u(id, input, k, first)
     where u.first is not false
    on conflict do nothing
    returning run_id
  )
  select array_agg(i.run_id) into v_new_ids from inserted as i;
  v_inserted := coalesce(cardinality(v_new_ids), 0);

  if v_first is null then
    if v_inserted < cardinality(v_ids) then
      raise exception using
        errcode = 'unique_violation',
        -- only start_flow names a run id, one at a time
        message = format('run "%s" already exists', v_ids[1]),
        hint    = 'Each run needs its own run_id; leave it out to get a new one.';
    end if;
    v_new_ids    := v_ids;
    v_new_inputs := _start_runs.inputs;
  elsif v_inserted = cardinality(array_remove(v_first, false)) then
    -- every key new
    select array_agg(u.id order by u.n), array_agg(u.input order by u.n)
      into v_new_ids, v_new_inputs
      from unnest(v_ids, _start_runs.inputs, v_first) with ordinality as u(id, input, first, n)
     where u.first;
  else
    -- Not inserted: a run of the flow has the key (return it), or the run id
    -- is taken (an error). The rare path: it compares every input with every
    -- new run.
    for v_dup in
      select u.id, r.run_id as existing
        from unnest(v_ids, _start_runs.idempotency_keys, v_first) with ordinality as u(id, k, first, n)
        left join pgflow.runs as r on r.flow_slug = _start_runs.flow_slug and r.idempotency_key = u.k
       where u.first and u.id <> all(coalesce(v_new_ids, '{}'))
       order by u.n
    loop
      if v_dup.existing is null then
        raise exception using
          errcode = 'unique_violation',
          message = format('run "%s" already exists', v_dup.id),
          hint    = 'Each run needs its own run_id; leave it out to get a new one.';
      end if;
    end loop;
    -- Every input with a key gets the run that holds it, new or not.
    select array_agg(coalesce(r.run_id, u.id) order by u.n),
           array_agg(u.id order by u.n) filter (where u.first and u.id = any(coalesce(v_new_ids, '{}'))),
           array_agg(u.input order by u.n) filter (where u.first and u.id = any(coalesce(v_new_ids, '{}')))
      into v_ids, v_new_ids, v_new_inputs
      from unnest(v_ids, _start_runs.idempotency_keys, v_first, _start_runs.inputs) with ordinality
             as u(id, k, first, input, n)
      left join pgflow.runs as r on r.flow_slug = _start_runs.flow_slug and r.idempotency_key = u.k;
    if v_new_ids is null then
      return query
      select r.*
        from unnest(v_ids) with ordinality as u(id, n)
        join pgflow.runs as r on r.run_id = u.id
       order by u.n;
      return;
    end if;
  end if;

  with inserted as (
    insert into pgflow.step_states (flow_slug, run_id, step_slug, remaining_deps, initial_tasks,
                                    status, started_at, remaining_tasks)
    select s.flow_slug, u.id, s.step_slug, s.deps_count, c.n,
           case when t.start_now then 'started' else 'created' end,
           case when t.start_now then now() end,
           case when t.start_now then c.n end
      from unnest(v_new_ids, v_new_inputs) as u(id, input)
     cross join pgflow.steps as s
     cross join lateral (select case when s.step_type in ('single', 'signal') then 1
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
       from unnest(v_new_ids, v_new_inputs) with ordinality as u(id, input, n)
      order by u.n;
  end if;

  perform pgflow._cascade(v_new_ids, array[_start_runs.flow_slug], null, null, v_started);

  return query
  select r.*
    from unnest(v_ids) with ordinality as u(id, n)
    join pgflow.runs as r on r.run_id = u.id
   order by u.n;
end;
$$;

-- new in 0.2.11 (sql/0342_function__lock_client_run.sql)
-- _lock_client_run( run_id, null_hint )
-- _lock_run for the client functions given a run id (cancel_run, pause_run,
-- resume_run, retry_run, send_signal): refuses a null run_id
-- (null_value_not_allowed, with null_hint, the calling function's words for
-- what to pass), authorizes the caller for the run's flow
-- (_authorize_client), then locks the run and returns it. Authorization
-- comes before the lock and before anything about the run is told: a run of
-- a flow the caller may not use raises exactly the error of a run that does
-- not exist (undefined_object, _lock_run's), and no one waits on the lock of
-- a run they may not touch.
-- The flow slug is read into a variable first, then checked, in separate
-- statements: on Citus a call beside the run's row would run on the run's
-- node, where the check cannot read pgflow.grants (docs/scaling.md).
-- An invoker function, like _lock_run: its callers are SECURITY DEFINER.
create function pgflow._lock_client_run(run_id uuid, null_hint text default null)
returns pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flow_slug text;
begin
  if _lock_client_run.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = coalesce(_lock_client_run.null_hint, 'Pass the id of a run (pgflow.runs.run_id).');
  end if;
  select r.flow_slug into v_flow_slug from pgflow.runs as r where r.run_id = _lock_client_run.run_id;
  -- an unknown run has no flow: the check passes it, and _lock_run reports it
  perform pgflow._authorize_client(v_flow_slug, _lock_client_run.run_id);
  return pgflow._lock_run(_lock_client_run.run_id);
end;
$$;

revoke all on function pgflow._lock_client_run(uuid, text) from public;

-- changed in 0.2.11 (sql/0346_function__authorize_client.sql)
-- _authorize_client( flow_slug, run_id )
-- The client functions (start_flow, start_flows, start_flow_with_states,
-- subscribe; cancel_run, pause_run, resume_run, retry_run and send_signal
-- through _lock_client_run) check here, before anything else, that
-- their caller may use the flow: the caller is the role of an active SET
-- ROLE, else the session user (pgflow._caller(); inside a definer function
-- current_user is the owner). A role may use a flow when pgflow.grant_client
-- granted it that flow, or every flow, to it or to a role whose privileges
-- it has (pgflow.grants). Whoever may pass pgflow's privileges on (the
-- owner, a superuser: _may_grant) passes. Admins and workers do not pass by being
-- admins or workers: grant_admin lets a role read every run but start and
-- change none, and a role that is an admin and a client of some flows
-- starts runs of those flows only. A null flow passes: the calling function
-- reports it in its own words. Otherwise raises insufficient_privilege naming
-- the caller and the flow, whether the flow exists or not (a client learns
-- of no other flow); or, given the run_id the caller named
-- (_lock_client_run), exactly the error of a run that does not exist
-- (_lock_run's), so that a run of another flow looks like no run at all.
-- SECURITY DEFINER, as it reads pgflow.grants for the invoker function
-- start_flow_with_states too.
create or replace function pgflow._authorize_client(flow_slug text, run_id uuid default null)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_caller text;
begin
  if _authorize_client.flow_slug is null then
    return;
  end if;
  v_caller := pgflow._caller();
  -- the owner first: the cheaper test (pg_cron's jobs and psql sessions run
  -- as the owner), then the recorded grants
  if pgflow._may_grant(v_caller)
     or exists (select from pgflow.grants as g
                 where g.kind = 'client'
                   and (g.flow_slug is null or g.flow_slug = _authorize_client.flow_slug)
                   and pg_catalog.pg_has_role(v_caller, g.role, 'USAGE')) then
    return;
  end if;
  if _authorize_client.run_id is not null then
    raise exception using
      errcode = 'undefined_object',
      message = format('run "%s" does not exist', _authorize_client.run_id),
      hint    = 'Look run ids up in pgflow.runs.';
  end if;
  raise exception using
    errcode = 'insufficient_privilege',
    message = format('role "%s" may not use flow "%s"', v_caller, left(_authorize_client.flow_slug, 200)),
    hint    = format('The owner of pgflow grants it with select pgflow.grant_client(%L, array[%L]);',
                     v_caller, left(_authorize_client.flow_slug, 200));
end;
$$;

-- changed in 0.2.11 (sql/0350_function_cancel_run.sql)
-- cancel_run( run_id, reason )
-- Stops a started or paused run for good: its queued and started tasks and
-- its created and started steps become cancelled, their pgmq messages are
-- archived (so no worker picks them up again), and the run becomes cancelled
-- with cancelled_at and the reason. Results that workers report afterwards
-- are ignored (complete_task and fail_task return no row). Returns the run.
-- Cancelling a cancelled run changes nothing and returns it; a completed or
-- failed run cannot be cancelled (object_not_in_prerequisite_state).
-- Sends run:cancelled, with the reason cut to 1000 characters (as _emit_event
-- cuts error messages: a NOTIFY payload holds less than 8000 bytes); the run
-- keeps it whole.
create or replace function pgflow.cancel_run(run_id uuid, reason text default null)
returns pgflow.runs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run     pgflow.runs%rowtype;
  v_msg_ids bigint[];
begin
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(cancel_run.run_id,
                                   'Pass the id of the run to cancel (pgflow.runs.run_id).');
  if v_run.status = 'cancelled' then
    return v_run;
  end if;
  if v_run.status not in ('started', 'paused') then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be cancelled', cancel_run.run_id, v_run.status),
      hint    = 'Only a started or paused run can be cancelled; a finished run stays as it is.';
  end if;

  -- Tasks before their messages: the order in which start_tasks and
  -- complete_task lock them, so that a concurrent call cannot deadlock.
  with cancelled as (
    update pgflow.step_tasks as t
       set status = 'cancelled', cancelled_at = now()
     where t.run_id = cancel_run.run_id and t.status in ('queued', 'started')
    returning t.message_id
  )
  select array_agg(c.message_id) into v_msg_ids from cancelled as c where c.message_id is not null;

  update pgflow.step_states as ss
     set status = 'cancelled', cancelled_at = now()
   where ss.run_id = cancel_run.run_id and ss.status in ('created', 'started');

  if cardinality(v_msg_ids) > 0 then
    perform pgmq.archive(v_run.flow_slug, v_msg_ids);
  end if;

  update pgflow.runs as r
     set status = 'cancelled', cancelled_at = now(), cancel_reason = cancel_run.reason, paused_at = null
   where r.run_id = cancel_run.run_id
  returning * into v_run;

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:cancelled',
    jsonb_build_object('status', 'cancelled', 'cancelled_at', v_run.cancelled_at,
                       'cancel_reason', left(v_run.cancel_reason, 1000)));
  return v_run;
end;
$$;

comment on function pgflow.cancel_run(uuid, text) is
  'cancels a started or paused run: its open steps and tasks are cancelled and their messages archived';

-- changed in 0.2.11 (sql/0360_function_pause_run.sql)
-- pause_run( run_id )
-- Pauses a started run: no step is queued while it is paused, and start_tasks
-- starts none of its queued tasks but holds their messages (invisible until
-- resume_run). Tasks already started go on: their results and retries are
-- kept, steps that they complete are settled, and the run completes if its
-- last step completes. Returns the run. Pausing a paused run changes nothing;
-- a finished or cancelled run cannot be paused
-- (object_not_in_prerequisite_state). Sends run:paused.
create or replace function pgflow.pause_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype;
begin
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(pause_run.run_id,
                                   'Pass the id of the run to pause (pgflow.runs.run_id).');
  if v_run.status = 'paused' then
    return v_run;
  end if;
  if v_run.status <> 'started' then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be paused', pause_run.run_id, v_run.status),
      hint    = 'Only a started run can be paused.';
  end if;

  update pgflow.runs as r
     set status = 'paused', paused_at = now()
   where r.run_id = pause_run.run_id
  returning * into v_run;

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:paused',
    jsonb_build_object('status', 'paused', 'paused_at', v_run.paused_at));
  return v_run;
end;
$$;

comment on function pgflow.pause_run(uuid) is
  'pauses a started run: nothing new is queued or started until resume_run; started tasks finish';

-- changed in 0.2.11 (sql/0370_function_resume_run.sql)
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
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(resume_run.run_id,
                                   'Pass the id of the run to resume (pgflow.runs.run_id).');
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

-- changed in 0.2.11 (sql/0390_function_send_signal.sql)
-- send_signal( run_id, step_slug, payload )
-- Completes signal step step_slug of a run with payload as its output, and
-- its dependents go on (one cascade, as after a task completes). A signal
-- sent before the step is ready (its dependencies still running) is kept in
-- pgflow.signals and applied when the step starts; so is one sent while the
-- run is paused, applied on resume_run. The first signal wins: a second one
-- for the same step changes nothing and returns no row. Returns the step's
-- state after the signal: completed when applied, created (or started, in a
-- paused run) when kept.
-- Errors, none of which changes anything: an unknown run, or a run of a
-- flow the caller may not use (the same answer: undefined_object); an
-- unknown step (undefined_object); a step that is not a signal step
-- (wrong_object_type); a run that is finished, or a step already settled
-- otherwise, such as skipped by its condition (object_not_in_prerequisite_state).
-- Callers: the clients of the flow (grant_client) and the owner.
create or replace function pgflow.send_signal(run_id uuid, step_slug text, payload jsonb)
returns setof pgflow.step_states
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
  v_run   pgflow.runs%rowtype;
  v_type  text;
  v_state pgflow.step_states%rowtype;
begin
  if send_signal.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of the run whose step the signal is for (pgflow.runs.run_id).';
  end if;
  if send_signal.step_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('step_slug of a signal to run "%s" must not be null', send_signal.run_id),
      hint    = 'Name the signal step to complete.';
  end if;
  if send_signal.payload is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('payload of a signal to step "%s" must not be null', left(send_signal.step_slug, 200)),
      hint    = 'Pass a JSON value: ''{}'' for no payload, ''null''::jsonb for JSON null.';
  end if;
  -- the caller's flow checked before anything about the run is told: a run
  -- of a flow the caller may not use does not exist for it (run_id is not
  -- null: checked above, before the other arguments)
  v_run := pgflow._lock_client_run(send_signal.run_id);

  select s.step_type into v_type
    from pgflow.steps as s
   where s.flow_slug = v_run.flow_slug and s.step_slug = send_signal.step_slug;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('step "%s" does not exist in flow "%s"', left(send_signal.step_slug, 200), v_run.flow_slug),
      hint    = 'Send a signal to a signal step of the run''s flow (pgflow.steps, step_type ''signal'').';
  end if;
  if v_type <> 'signal' then
    raise exception using
      errcode = 'wrong_object_type',
      message = format('step "%s" of flow "%s" is a %s step, not a signal step', send_signal.step_slug,
                       v_run.flow_slug, v_type),
      hint    = 'Only a step added with step_type => ''signal'' takes signals; workers complete the others.';
  end if;

  -- the first signal wins (the run's lock keeps two at once apart)
  if exists (select from pgflow.signals as sg
              where sg.run_id = send_signal.run_id and sg.step_slug = send_signal.step_slug) then
    return;
  end if;

  select * into v_state from pgflow.step_states as ss
   where ss.run_id = send_signal.run_id and ss.step_slug = send_signal.step_slug;
  if v_run.status not in ('started', 'paused') then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and takes no signal', send_signal.run_id, v_run.status),
      hint    = 'Signals go to started or paused runs.';
  end if;
  if v_state.status not in ('created', 'started') then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('step "%s" of run "%s" is %s and takes no signal', send_signal.step_slug,
                       send_signal.run_id, v_state.status),
      hint    = 'A signal completes a signal step that has not settled yet.';
  end if;

  insert into pgflow.signals (run_id, step_slug, flow_slug, payload)
  values (send_signal.run_id, send_signal.step_slug, v_run.flow_slug, send_signal.payload);

  -- a waiting step completes now (the cascade applies the signal)
  if v_state.status = 'started' and v_run.status = 'started' then
    perform pgflow._cascade(array[send_signal.run_id], array[v_run.flow_slug], null, null);
  end if;

  return query select * from pgflow.step_states as ss
                where ss.run_id = send_signal.run_id and ss.step_slug = send_signal.step_slug;
end;
$$;

comment on function pgflow.send_signal(uuid, text, jsonb) is
  'completes a signal step of a run with the payload as its output (kept until the step is ready); the first signal wins';

-- changed in 0.2.11 (sql/0400_function_start_tasks.sql)
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
-- On Citus (_is_distributed(), docs/scaling.md) the messages' run ids are
-- read from the queue (local on the coordinator) and the tasks found on those
-- runs' shards; the tasks are started by the same statement once per run, with
-- the run named on each distributed table (Citus takes FOR UPDATE only in a
-- statement on one shard); runs are locked one at a time. Plain PostgreSQL
-- keeps its statements and plans.
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
  v_msg_runs uuid[];
  v_r       uuid;
  v_part    pgflow.step_task_record[];
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
  if pgflow._is_distributed() then
    -- Citus refuses the lateral lookup (offset 0 beside a table function).
    -- The queue is local on the coordinator: each message names its run, and
    -- the tasks are looked up on those runs' shards only.
    execute format('select array_agg(distinct (q.message ->> ''run_id'')::uuid) from pgmq.%I as q
                     where q.msg_id = any($1)
                       and q.message ->> ''run_id'' ~* ''^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$''',
                   'q_' || lower(start_tasks.flow_slug))
      into v_msg_runs
      using start_tasks.msg_ids;
    select array_agg(t.run_id), array_agg(t.step_slug), array_agg(t.task_index), array_agg(t.message_id)
      into v_runs, v_steps, v_indexes, v_found
      from pgflow.step_tasks as t
     where t.run_id = any(v_msg_runs) and t.flow_slug = start_tasks.flow_slug
       and t.message_id = any(start_tasks.msg_ids);
  else
    select array_agg(x.run_id), array_agg(x.step_slug), array_agg(x.task_index), array_agg(x.message_id)
      into v_runs, v_steps, v_indexes, v_found
      from (select distinct m.id from unnest(start_tasks.msg_ids) as m(id)) as m
     cross join lateral (select t.run_id, t.step_slug, t.task_index, t.message_id
                           from pgflow.step_tasks as t
                          where t.flow_slug = start_tasks.flow_slug and t.message_id = m.id
                         offset 0) as x;
  end if;

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
    if pgflow._is_distributed() then
      -- Citus locks the rows of one shard per statement: one run at a time, in the same order
      foreach v_r in array array(select distinct e.r from unnest(v_exp_r) as e(r) order by e.r) loop
        perform pgflow._lock_run(v_r);
      end loop;
    else
      perform from pgflow.runs as r where r.run_id = any(v_exp_r) order by r.run_id for no key update;
    end if;
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
      if pgflow._is_distributed() then
        -- Citus takes FOR UPDATE only in a statement on one shard: the same
        -- statement once per run, the run named on each distributed table.
        v_tasks := null;
        foreach v_r in array array(select distinct k.r from unnest(v_runs) as k(r) order by k.r) loop
          with candidates as (
            select t.run_id, t.step_slug, t.task_index, least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) as timeout,
                   s.step_type, s.deps_count, r.input as run_input
              from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
              join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
                                         and t.run_id = v_r
              join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
              join pgflow.flows as f on f.flow_slug = t.flow_slug
              join pgflow.runs as r on r.run_id = t.run_id and r.run_id = v_r
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
               and t.run_id = v_r
            returning t.run_id, t.step_slug, t.task_index, t.message_id, t.attempts_count,
                      c.timeout, c.step_type, c.deps_count, c.run_input
          ), arrays as materialized (
            -- each map step's array, read once per call (see below)
            select g.run_id, g.step_slug,
                   case when jsonb_typeof(g.arr) in ('array', 'object') then g.arr - '{}'::text[] else g.arr end as arr
              from (select m.run_id, m.step_slug,
                           case when m.deps_count = 0 then m.run_input
                                else (select dep.output
                                        from pgflow.deps as d
                                        join pgflow.step_states as dep on dep.run_id = m.run_id and dep.step_slug = d.dep_slug
                                                                           and dep.run_id = v_r
                                       where d.flow_slug = start_tasks.flow_slug and d.step_slug = m.step_slug)
                           end as arr
                      from (select distinct on (st.run_id, st.step_slug) st.run_id, st.step_slug, st.deps_count, st.run_input
                              from started as st
                             where st.step_type = 'map'
                             order by st.run_id, st.step_slug) as m) as g
          )
          select array_agg(row(
                   start_tasks.flow_slug, st.run_id, st.step_slug,
                   -- the task input; the same expression builds it one task at a time below
                   case
                     when st.step_type = 'map' then
                       (select a.arr -> st.task_index from arrays as a where a.run_id = st.run_id and a.step_slug = st.step_slug)
                     else jsonb_build_object('run', st.run_input)
                          || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                                         from pgflow.deps as d
                                         join pgflow.step_states as dep on dep.run_id = st.run_id and dep.step_slug = d.dep_slug
                                                                         and dep.run_id = v_r
                                        where d.flow_slug = start_tasks.flow_slug and d.step_slug = st.step_slug
                                          and dep.status = 'completed'),
                                      '{}'::jsonb)
                   end,
                   st.message_id, st.task_index, st.attempts_count, st.timeout)::pgflow.step_task_record
                 order by st.message_id)
            into v_part
            from started as st;
          v_tasks := v_tasks || v_part;
        end loop;
        v_tasks := array(select x from unnest(v_tasks) as x order by x.msg_id);
      else
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
        ), arrays as materialized (
          -- The array each map step of the batch maps over (its run's input, or
          -- its dependency's output), read once per call: a large array is
          -- stored compressed, and each "-> task_index" on the stored value
          -- decompressed all of it again, so that a map's tasks cost in
          -- proportion to its length (a map over 100 000 elements took 78 s).
          -- "- '{}'::text[]" deletes nothing and returns the array as read, in
          -- memory, where the lookups below find their element directly.
          select g.run_id, g.step_slug,
                 case when jsonb_typeof(g.arr) in ('array', 'object') then g.arr - '{}'::text[] else g.arr end as arr
            from (select m.run_id, m.step_slug,
                         case when m.deps_count = 0 then m.run_input
                              else (select dep.output
                                      from pgflow.deps as d
                                      join pgflow.step_states as dep on dep.run_id = m.run_id and dep.step_slug = d.dep_slug
                                     where d.flow_slug = start_tasks.flow_slug and d.step_slug = m.step_slug)
                         end as arr
                    from (select distinct on (st.run_id, st.step_slug) st.run_id, st.step_slug, st.deps_count, st.run_input
                            from started as st
                           where st.step_type = 'map'
                           order by st.run_id, st.step_slug) as m) as g
        )
        select array_agg(row(
                 start_tasks.flow_slug, st.run_id, st.step_slug,
                 -- the task input; the same expression builds it one task at a time below
                 case
                   when st.step_type = 'map' then
                     (select a.arr -> st.task_index from arrays as a where a.run_id = st.run_id and a.step_slug = st.step_slug)
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
      end if;
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

-- changed in 0.2.11 (sql/0405_function__complete_tasks.sql)
-- _complete_tasks( run_ids, step_slugs, task_indexes, outputs )
-- What complete_task and complete_tasks do once their caller has locked the
-- runs (each exists) and is authorized: task i is task task_indexes[i] of
-- step step_slugs[i] of run run_ids[i], with output outputs[i]. Records the
-- outputs of the started tasks of running (or paused) runs and archives
-- their messages, one call per flow. A step whose last task completed
-- completes (a map's output is the array of its tasks' outputs in task_index
-- order), and one cascade drives all their runs on. A task listed twice
-- completes once, with its first output. Returns the completed tasks; a task
-- that is not started, or whose run is not running, is left as it is. An
-- unknown step or task is an error.
--
-- A single step's output is the array a dependent map step maps over. An
-- output that is no array (JSON null included) fails the task that produced
-- it, its step and its run, as upstream pgflow 0.8.1 does (since 0.2.9): the
-- bad value is the producer's, so its error_message is where the reader
-- looks. The task keeps that output (null as SQL NULL) and the message,
-- "[TYPE_VIOLATION] ..." as upstream tags it, names both steps and the JSON
-- type. The map step stays created, without tasks. Other tasks of that run
-- in the batch are then left as they are (the run is failed).
--
-- On Citus (_is_distributed(), docs/scaling.md) the tasks and steps are found
-- by joins with run_id named on each distributed table instead of lateral
-- lookups and tuple ids, which Citus refuses; plain PostgreSQL keeps its
-- statements and plans.
create or replace function pgflow._complete_tasks(run_ids uuid[], step_slugs text[], task_indexes integer[], outputs jsonb[])
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now        timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_completed  pgflow.step_tasks[];
  v_missing    record;
  v_flow       text;
  v_ids        bigint[];
  v_done_runs  uuid[];
  v_done_steps text[];
  v_all        boolean;
  v_bad        record;
  v_error      text;
  v_runs       uuid[];
  v_map_r      uuid[];
  v_map_s      text[];
  v_map_o      jsonb[];
begin
  -- Outputs a dependent map cannot map over: fail their producers first.
  -- The joins run from the batch through primary keys, in this order
  -- (callers set join_collapse_limit = 1); the runtime rows one by one
  -- through their keys, in lateral subqueries the planner may not flatten
  -- (offset 0), whatever the statistics said when the plan was made (see
  -- _settle_completed_steps: "Keys").
  -- (On Citus, the same query with run_id named on each distributed table:
  -- it refuses the lateral lookups beside a table function.)
  if pgflow._is_distributed() then
    for v_bad in
      select distinct on (t.run_id) t.run_id, t.flow_slug, t.step_slug, t.task_index, b.o as output,
             m.step_slug as map_slug
        from (select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
                from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                            _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
               order by u.r, u.s, u.i, u.n) as b
        join pgflow.step_tasks as t on t.run_id = b.r and t.step_slug = b.s and t.task_index = b.i
                                   and t.run_id = any(_complete_tasks.run_ids)
        join pgflow.runs as r on r.run_id = t.run_id and r.run_id = any(_complete_tasks.run_ids)
        join pgflow.steps as p on p.flow_slug = t.flow_slug and p.step_slug = t.step_slug
        join pgflow.deps as d on d.flow_slug = t.flow_slug and d.dep_slug = t.step_slug
        join pgflow.steps as m on m.flow_slug = d.flow_slug and m.step_slug = d.step_slug
        join pgflow.step_states as ms on ms.run_id = t.run_id and ms.step_slug = m.step_slug
                                     and ms.run_id = any(_complete_tasks.run_ids)
       where jsonb_typeof(b.o) is distinct from 'array'
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
         and p.step_type = 'single'
         and m.step_type = 'map'
         and ms.status = 'created'
       order by t.run_id, t.step_slug, t.task_index, m.step_slug
    loop
      v_error := format('[TYPE_VIOLATION] map step "%s" needs an array, but step "%s" output %s',
                        v_bad.map_slug, v_bad.step_slug, coalesce(jsonb_typeof(v_bad.output), 'nothing'));
      -- _fail_run archives the messages of the run's queued and started
      -- tasks, this one's included: it is still started here.
      perform pgflow._fail_step(v_bad.run_id, v_bad.flow_slug, v_bad.step_slug, v_error);
      update pgflow.step_tasks as t
         set status = 'failed', failed_at = now(), error_message = v_error,
             output = nullif(v_bad.output, 'null'::jsonb)
       where t.run_id = v_bad.run_id and t.step_slug = v_bad.step_slug and t.task_index = v_bad.task_index;
    end loop;
  else
    for v_bad in
      select distinct on (t.run_id) t.run_id, t.flow_slug, t.step_slug, t.task_index, b.o as output,
             m.step_slug as map_slug
        from (select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
                from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                            _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
               order by u.r, u.s, u.i, u.n) as b
       cross join lateral (select x.* from pgflow.step_tasks as x
                            where x.run_id = b.r and x.step_slug = b.s and x.task_index = b.i offset 0) as t
       cross join lateral (select x.* from pgflow.runs as x where x.run_id = b.r offset 0) as r
        join pgflow.steps as p on p.flow_slug = t.flow_slug and p.step_slug = t.step_slug
        join pgflow.deps as d on d.flow_slug = t.flow_slug and d.dep_slug = t.step_slug
        join pgflow.steps as m on m.flow_slug = d.flow_slug and m.step_slug = d.step_slug
       cross join lateral (select x.* from pgflow.step_states as x
                            where x.run_id = b.r and x.step_slug = m.step_slug offset 0) as ms
       where jsonb_typeof(b.o) is distinct from 'array'
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
         and p.step_type = 'single'
         and m.step_type = 'map'
         and ms.status = 'created'
       order by t.run_id, t.step_slug, t.task_index, m.step_slug
    loop
      v_error := format('[TYPE_VIOLATION] map step "%s" needs an array, but step "%s" output %s',
                        v_bad.map_slug, v_bad.step_slug, coalesce(jsonb_typeof(v_bad.output), 'nothing'));
      -- _fail_run archives the messages of the run's queued and started
      -- tasks, this one's included: it is still started here.
      perform pgflow._fail_step(v_bad.run_id, v_bad.flow_slug, v_bad.step_slug, v_error);
      update pgflow.step_tasks as t
         set status = 'failed', failed_at = now(), error_message = v_error,
             output = nullif(v_bad.output, 'null'::jsonb)
       where t.run_id = v_bad.run_id and t.step_slug = v_bad.step_slug and t.task_index = v_bad.task_index;
    end loop;
  end if;

  if pgflow._is_distributed() then
    -- Citus: the tasks by their keys, run_id named on each distributed table
    -- (it refuses the lateral lookups, and tuple ids are the shards')
    with batch as (
      select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
        from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                    _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
       order by u.r, u.s, u.i, u.n
    ), completed as (
      update pgflow.step_tasks as t
         set status = 'completed', completed_at = now(), output = b.o
        from batch as b, pgflow.runs as r
       where t.run_id = b.r and t.step_slug = b.s and t.task_index = b.i
         and t.run_id = any(_complete_tasks.run_ids)
         and r.run_id = t.run_id and r.run_id = any(_complete_tasks.run_ids)
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
      returning t.*
    )
    select array_agg(c::pgflow.step_tasks order by c.run_id, c.step_slug, c.task_index)
      into v_completed
      from completed as c;
  else
    with batch as (
      select distinct on (u.r, u.s, u.i) u.r, u.s, u.i, u.o
        from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes,
                    _complete_tasks.outputs) with ordinality as u(r, s, i, o, n)
       order by u.r, u.s, u.i, u.n
    ), completed as (
      update pgflow.step_tasks as t
         set status = 'completed', completed_at = now(), output = b.o
        -- Each task found first through its primary key (a lateral subquery
        -- the planner may not flatten: offset 0), then updated by its tuple id,
        -- so that no plan reads other tasks whatever the statistics said when
        -- it was made (see _settle_completed_steps: "Keys"). A task changed
        -- meanwhile by another transaction (requeued, or leased again) no
        -- longer has that id and is left as it is: a late completion.
        from batch as b
       cross join lateral (select x.ctid from pgflow.step_tasks as x
                            where x.run_id = b.r and x.step_slug = b.s and x.task_index = b.i offset 0) as k
       cross join lateral (select x.* from pgflow.runs as x where x.run_id = b.r offset 0) as r
       where t.ctid = k.ctid
         and t.status = 'started'
         -- started or paused (cancel: in-flight work of a paused run is kept),
         -- written so that no plan looks runs up by status rather than by run_id
         and r.status not in ('completed', 'failed', 'cancelled')
      returning t.*
    )
    select array_agg(c::pgflow.step_tasks order by c.run_id, c.step_slug, c.task_index)
      into v_completed
      from completed as c;
  end if;

  -- Tasks left as they are: fine when they exist (a late or repeated call).
  if coalesce(cardinality(v_completed), 0) < cardinality(_complete_tasks.run_ids) then
    for v_missing in
      select u.r, r.flow_slug, u.s, u.i
        from unnest(_complete_tasks.run_ids, _complete_tasks.step_slugs, _complete_tasks.task_indexes)
             with ordinality as u(r, s, i, n)
        join pgflow.runs as r on r.run_id = u.r
       where not exists (select from unnest(v_completed) as c
                          where c.run_id = u.r and c.step_slug = u.s and c.task_index = u.i)
       order by u.r, u.n
    loop
      perform pgflow._assert_task_exists(v_missing.r, v_missing.flow_slug, v_missing.s, v_missing.i);
    end loop;
    if v_completed is null then
      return;
    end if;
  end if;

  -- Their messages, one call per flow.
  for v_flow, v_ids in
    select c.flow_slug, array_agg(c.message_id order by c.message_id)
      from unnest(v_completed) as c
     where c.message_id is not null
     group by c.flow_slug
     order by c.flow_slug
  loop
    perform pgmq.archive(v_flow, v_ids);
  end loop;

  -- Their steps: a step whose last task completed completes.
  if pgflow._is_distributed() then
    -- Citus: the steps by their keys, run_id named (as above); the outputs
    -- of the maps that complete read first (Citus refuses a subquery in a
    -- CASE of an UPDATE)
    v_runs := array(select distinct c.run_id from unnest(v_completed) as c);
    with k as (
      select c.run_id, c.flow_slug, c.step_slug, count(*)::integer as n
        from unnest(v_completed) as c
       group by c.run_id, c.flow_slug, c.step_slug
    )
    select array_agg(g.run_id), array_agg(g.step_slug), array_agg(g.output)
      into v_map_r, v_map_s, v_map_o
      from (select t.run_id, t.step_slug, jsonb_agg(t.output order by t.task_index) as output
              from k
              join pgflow.steps as s on s.flow_slug = k.flow_slug and s.step_slug = k.step_slug and s.step_type = 'map'
              join pgflow.step_states as ss on ss.run_id = k.run_id and ss.step_slug = k.step_slug
                                           and ss.run_id = any(v_runs) and ss.remaining_tasks = k.n
              join pgflow.step_tasks as t on t.run_id = ss.run_id and t.step_slug = ss.step_slug
                                         and t.run_id = any(v_runs)
             group by t.run_id, t.step_slug) as g;
    with counts as (
      select c.run_id, c.flow_slug, c.step_slug, count(*)::integer as n, (array_agg(c.output))[1] as output,
             (array_agg(m.o))[1] as map_output
        from unnest(v_completed) as c
        left join unnest(v_map_r, v_map_s, v_map_o) as m(r, s, o) on m.r = c.run_id and m.s = c.step_slug
       group by c.run_id, c.flow_slug, c.step_slug
    ), steps_done as (
      update pgflow.step_states as ss
         set remaining_tasks = ss.remaining_tasks - k.n,
             status          = case when ss.remaining_tasks = k.n then 'completed' else ss.status end,
             completed_at    = case when ss.remaining_tasks = k.n then v_now end,
             output          = case
                                 when ss.remaining_tasks > k.n then null
                                 when s.step_type = 'map' then k.map_output
                                 else k.output
                               end
        from counts as k
        join pgflow.steps as s on s.flow_slug = k.flow_slug and s.step_slug = k.step_slug
       where ss.run_id = k.run_id and ss.step_slug = k.step_slug
         and ss.run_id = any(v_runs)
      returning ss.run_id, ss.step_slug, ss.status
    )
    select array_agg(d.run_id order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           array_agg(d.step_slug order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           count(*)::integer = (select count(*) from (select distinct c.run_id, c.step_slug from unnest(v_completed) as c) as x)
      into v_done_runs, v_done_steps, v_all
      from steps_done as d;
  else
    with counts as (
      select c.run_id, c.flow_slug, c.step_slug, count(*)::integer as n, (array_agg(c.output))[1] as output
        from unnest(v_completed) as c
       group by c.run_id, c.flow_slug, c.step_slug
    ), steps_done as (
      update pgflow.step_states as ss
         set remaining_tasks = ss.remaining_tasks - k.n,
             status          = case when ss.remaining_tasks = k.n then 'completed' else ss.status end,
             completed_at    = case when ss.remaining_tasks = k.n then v_now end,
             output          = case
                                 when ss.remaining_tasks > k.n then null
                                 when s.step_type = 'map' then
                                   (select jsonb_agg(t.output order by t.task_index)
                                      from pgflow.step_tasks as t
                                     where t.run_id = ss.run_id and t.step_slug = ss.step_slug)
                                 else k.output
                               end
        -- Each step found first through its primary key (a lateral subquery
        -- the planner may not flatten: offset 0), then updated by its tuple
        -- id, so that no plan reads other steps whatever the statistics said
        -- when it was made (see _settle_completed_steps: "Keys"). No other
        -- transaction changes them meanwhile (the caller holds their runs'
        -- locks); the count below makes sure.
        from counts as k
       cross join lateral (select x.ctid from pgflow.step_states as x
                            where x.run_id = k.run_id and x.step_slug = k.step_slug offset 0) as kk
        join pgflow.steps as s on s.flow_slug = k.flow_slug and s.step_slug = k.step_slug
       where ss.ctid = kk.ctid
      returning ss.run_id, ss.step_slug, ss.status
    )
    select array_agg(d.run_id order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           array_agg(d.step_slug order by d.run_id, d.step_slug) filter (where d.status = 'completed'),
           count(*)::integer = (select count(*) from (select distinct c.run_id, c.step_slug from unnest(v_completed) as c) as x)
      into v_done_runs, v_done_steps, v_all
      from steps_done as d;
  end if;
  if not v_all then
    raise exception using
      errcode = 'internal_error',
      message = 'complete_tasks: a step of the batch changed under it',
      hint    = 'This is a bug in pgflow: the run locks should keep the steps still. Retry the call.';
  end if;

  if v_done_runs is not null then
    perform pgflow._cascade(array(select distinct r from unnest(v_done_runs) as r order by r),
                            array(select distinct c.flow_slug from unnest(v_completed) as c),
                            v_done_runs, v_done_steps);
  end if;

  return query select * from unnest(v_completed);
end;
$$;

-- new in 0.2.11 (sql/0408_function__complete_one_task.sql)
-- _complete_one_task( run, step_slug, task_index, output )
-- complete_task's path for the common case, one task of a single step in a
-- flow without maps that depend on other steps, signal steps or conditions,
-- while no event is wanted: what _complete_tasks and _cascade do for a batch,
-- written for one row at a time. Returns null when the case is not this one
-- (nothing changed: the caller takes the general path); otherwise an array
-- of the completed task, empty when the task is not started (or its run is
-- not running nor paused), and then nothing changed. An unknown task is an
-- error. The caller holds the run's lock (run is its row, locked) and is
-- authorized.
--
-- Why a path of its own: one complete_task per task is what psql, workers in
-- other languages and upstream's worker do, and the general path pays for
-- batches there (arrays, a DISTINCT ON of one row, the stages of the cascade
-- for maps, signals and conditions, each a statement). And every statement
-- here finds its rows by equality on a whole primary key (or on run_id and the
-- flow's dependency list), so its plan is the key's index in every session:
-- generic plans made while the tables were small (just created, truncated
-- or analyzed empty) keep reading by key when they have grown.
create function pgflow._complete_one_task(run pgflow.runs, step_slug text, task_index integer, output jsonb)
returns pgflow.step_tasks[]
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now     timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_fast    boolean;
  v_done    pgflow.step_tasks[];
  v_task    pgflow.step_tasks;
  v_left    integer;
  v_started pgflow.step_states[];
  v_delayed boolean;
  v_mode    text;
  v_told    boolean;
  v_idle    boolean;
  v_ids     bigint[];
begin
  select s.step_type = 'single'
         and not exists (select from pgflow.steps as o
                          where o.flow_slug = s.flow_slug
                            and (o.step_type = 'signal' or (o.step_type = 'map' and o.deps_count > 0)
                                 or o.run_if is not null or o.run_unless is not null))
    into v_fast
    from pgflow.steps as s
   where s.flow_slug = (_complete_one_task.run).flow_slug and s.step_slug = _complete_one_task.step_slug;
  if not coalesce(v_fast, false) or pgflow._events_wanted() then
    return null;
  end if;

  if (_complete_one_task.run).status in ('completed', 'failed', 'cancelled') then
    perform pgflow._assert_task_exists((_complete_one_task.run).run_id, (_complete_one_task.run).flow_slug,
                                       _complete_one_task.step_slug, _complete_one_task.task_index);
    return '{}'::pgflow.step_tasks[];
  end if;

  -- One statement: the task, its step (a single step has one task: it
  -- completes), the dependents (remaining_deps; one that becomes ready in a
  -- run that is not paused is started at once) and the run's
  -- remaining_steps; none of them when the task is not started.
  with done as (
    update pgflow.step_tasks as t
       set status = 'completed', completed_at = now(), output = _complete_one_task.output
     where t.run_id = (_complete_one_task.run).run_id and t.step_slug = _complete_one_task.step_slug
       and t.task_index = _complete_one_task.task_index
       and t.status = 'started'
    returning t as task, t.run_id, t.flow_slug, t.step_slug
  ), steps as (
    update pgflow.step_states as ss
       set remaining_tasks = case when c.self then 0 when c.start_now then ss.initial_tasks else ss.remaining_tasks end,
           remaining_deps  = case when c.self then ss.remaining_deps else ss.remaining_deps - 1 end,
           status          = case when c.self then 'completed' when c.start_now then 'started' else ss.status end,
           started_at      = case when c.start_now then v_now else ss.started_at end,
           completed_at    = case when c.self then v_now else ss.completed_at end,
           output          = case when c.self then _complete_one_task.output else ss.output end
      from (select ss2.step_slug, ss2.step_slug = _complete_one_task.step_slug as self,
                   ss2.step_slug <> _complete_one_task.step_slug
                     and (_complete_one_task.run).status = 'started' and ss2.status = 'created'
                     and ss2.remaining_deps = 1 and ss2.initial_tasks > 0 as start_now,
                   st.step_index, coalesce(st.opt_start_delay, 0) > 0 as delayed
              from done as d
              join pgflow.step_states as ss2
                on ss2.run_id = (_complete_one_task.run).run_id
               and ss2.step_slug = any(array[d.step_slug]
                                       || array(select dp.step_slug from pgflow.deps as dp
                                                 where dp.flow_slug = d.flow_slug and dp.dep_slug = d.step_slug))
              join pgflow.steps as st on st.flow_slug = d.flow_slug and st.step_slug = ss2.step_slug) as c
     where ss.run_id = (_complete_one_task.run).run_id and ss.step_slug = c.step_slug
    returning ss, c.start_now, c.step_index, c.delayed
  ), run as (
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - 1
     where r.run_id = (_complete_one_task.run).run_id
       and exists (select from done)
    returning r.remaining_steps
  )
  select (select array_agg(d.task) from done as d),
         (select array_agg(st.ss order by st.step_index) filter (where st.start_now) from steps as st),
         (select coalesce(bool_or(st.delayed) filter (where st.start_now), false) from steps as st),
         (select r.remaining_steps from run as r)
    into v_done, v_started, v_delayed, v_left;

  if v_done is null then
    perform pgflow._assert_task_exists((_complete_one_task.run).run_id, (_complete_one_task.run).flow_slug,
                                       _complete_one_task.step_slug, _complete_one_task.task_index);
    return '{}'::pgflow.step_tasks[];
  end if;
  v_task := v_done[1];
  if v_delayed then
    -- a dependent waits for its start delay: _queue_ready_steps knows how
    if v_task.message_id is not null then
      perform pgmq.archive(v_task.flow_slug, v_task.message_id);
    end if;
    perform pgflow._queue_ready_steps('{}'::uuid[], v_started);
  else
    -- The task's message archived and the started dependents' messages
    -- sent, in one statement on the flow's queue: what pgmq.archive and
    -- _queue_ready_steps do (read their reasons there), without a plan and
    -- three layers of functions each. A dependent is a single step here:
    -- one task, task_index 0; its message is announced and the workers are
    -- woken as _queue_ready_steps does.
    v_mode := lower(coalesce(nullif(current_setting('pgflow.wake', true), ''), 'on'));
    v_told := v_started is not null and v_mode in ('on', 'true', '1');
    execute format(
      $sql$
      with archived as (
        delete from pgmq.%1$I as q where q.msg_id = $1
        returning q.*
      ), kept as (
        -- every column the queue has (pgmq 1.8.1 added last_read_at), as
        -- pgmq.archive copies them, and the time of archiving
        insert into pgmq.%2$I
        select (pg_catalog.jsonb_populate_record(null::pgmq.%2$I,
                  pg_catalog.to_jsonb(a) || pg_catalog.jsonb_build_object('archived_at', pg_catalog.now()))).*
          from archived as a
      ), sent as (
        insert into pgmq.%1$I (vt, message, headers)
        select clock_timestamp(),
               jsonb_build_object('flow_slug', $2, 'run_id', $3, 'step_slug', u.s, 'task_index', 0), $5
          from unnest($4::text[]) with ordinality as u(s, n)
         order by u.n
        returning msg_id
      )
      select array(select s.msg_id from sent as s order by s.msg_id),
             $6 and not exists (select from (select m.headers from pgmq.%1$I as m
                                              where m.vt <= $7
                                              order by m.vt limit 8) as v
                                 where v.headers @> '{"announced": true}')
      $sql$,
      'q_' || lower(v_task.flow_slug), 'a_' || lower(v_task.flow_slug))
      into v_ids, v_idle
      using v_task.message_id, v_task.flow_slug, v_task.run_id,
            array(select u.step_slug from unnest(v_started) as u),
            case when v_told then '{"announced": true}'::jsonb end, v_told, clock_timestamp();
    if v_started is not null then
      insert into pgflow.step_tasks (flow_slug, run_id, step_slug, task_index, message_id)
      select v_task.flow_slug, v_task.run_id, u.s, 0, u.id
        from unnest(array(select u.step_slug from unnest(v_started) as u), v_ids) as u(s, id);
      if v_mode not in ('off', 'false', '0') and (not v_told or v_idle) then
        perform pgflow._wake_workers(v_task.flow_slug);
      end if;
    end if;
  end if;
  if v_left = 0 then
    perform pgflow._complete_runs_if_done(array[v_task.run_id]);
  end if;
  return v_done;
end;
$$;

-- changed in 0.2.11 (sql/0410_function_complete_task.sql)
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
declare
  v_run     pgflow.runs;
  v_one     pgflow.step_tasks[];
begin
  if complete_task.run_id is null or complete_task.step_slug is null or complete_task.task_index is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id, step_slug and task_index must not be null',
      hint    = 'Pass the run_id, step_slug and task_index that start_tasks returned for the task.';
  end if;
  v_run := pgflow._lock_worker_run(complete_task.run_id);
  if v_run.run_id is null then
    return;
  end if;
  -- An SQL NULL output is JSON null, as upstream takes it (a handler that
  -- returns nothing). The common case takes a path of its own
  -- (_complete_one_task says which and why).
  v_one := pgflow._complete_one_task(v_run, complete_task.step_slug, complete_task.task_index,
                                     coalesce(complete_task.output, 'null'::jsonb));
  if v_one is not null then
    return query select * from unnest(v_one);
    return;
  end if;
  return query select * from pgflow._complete_tasks(array[complete_task.run_id], array[complete_task.step_slug],
                                                     array[complete_task.task_index],
                                                     array[coalesce(complete_task.output, 'null'::jsonb)]);
end;
$$;

comment on function pgflow.complete_task(uuid, text, integer, jsonb) is
  'completes a started task with its output and cascades to dependent steps and the run';

-- changed in 0.2.11 (sql/0415_function_complete_tasks.sql)
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
-- ignored here too, and so is a task of a run that is not there or not the
-- caller's to work on; an unknown step or task of the caller's runs is an
-- error and nothing of the batch is kept.
create or replace function pgflow.complete_tasks(tasks jsonb)
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
  v_bad     record;
  v_runs    uuid[];
  v_steps   text[];
  v_indexes integer[];
  v_outputs jsonb[];
  v_locked  integer;
  v_mine    uuid[];
  v_held    uuid[];
  v_r       uuid;
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

  -- The batch's runs that are there and the caller's to work on, locked up
  -- front in one order (see _lock_run). Tasks of other runs (pruned since,
  -- or of a flow the caller may not work on) are left out, as complete_task
  -- leaves them: no row, and nothing said about them.
  with x as materialized (select r.run_id, r.flow_slug from pgflow.runs as r where r.run_id = any(v_runs)),
       ok as materialized (select f.flow_slug from (select distinct x.flow_slug from x) as f
                            where pgflow._may_work(f.flow_slug))
  select array_agg(x.run_id) into v_mine from x join ok on ok.flow_slug = x.flow_slug;
  if pgflow._is_distributed() then
    -- Citus locks the rows of one shard per statement: one run at a time, in the same order
    v_locked := 0;
    v_held := null;
    foreach v_r in array array(select distinct u.r from unnest(v_mine) as u(r) order by u.r) loop
      perform from pgflow.runs as r where r.run_id = v_r for no key update;
      if found then
        v_locked := v_locked + 1;
        v_held := v_held || v_r;
      end if;
    end loop;
    v_mine := v_held;
  else
    select count(*)::integer, array_agg(l.run_id) into v_locked, v_mine
      from (select r.run_id from pgflow.runs as r where r.run_id = any(v_mine) order by r.run_id
               for no key update) as l;
  end if;
  if v_locked < (select count(distinct u.r) from unnest(v_runs) as u(r)) then
    select array_agg(t.run_id order by t.n), array_agg(t.step_slug order by t.n),
           array_agg(t.task_index order by t.n), array_agg(t.output order by t.n)
      into v_runs, v_steps, v_indexes, v_outputs
      from unnest(v_runs, v_steps, v_indexes, v_outputs) with ordinality as t(run_id, step_slug, task_index, output, n)
     where t.run_id = any(v_mine);
    if v_runs is null then
      return;
    end if;
  end if;

  return query select * from pgflow._complete_tasks(v_runs, v_steps, v_indexes, v_outputs);
end;
$$;

comment on function pgflow.complete_tasks(jsonb) is
  'completes a batch of started tasks in one transaction, locking their runs in a fixed order';

-- changed in 0.2.11 (sql/0418_function__fail_tasks.sql)
-- _fail_tasks( run_ids, step_slugs, task_indexes, error_messages, retryables, retry_afters )
-- The one way started tasks fail, any number at once (task i is task
-- task_indexes[i] of step step_slugs[i] of run run_ids[i], failed with
-- error_messages[i]): a worker's report (fail_task), leases that ran out on
-- the last attempt and inputs that cannot be built (start_tasks). The caller
-- holds the locks of the runs, has checked who asks and what it passed.
-- While attempts remain, and unless retryables[i] is false (a permanent
-- failure: the caller knows no attempt can succeed), a task is queued again
-- and its message delayed by retry_afters[i] seconds when given, else by
-- calculate_retry_delay(base_delay, attempts_count - 1); a message visible
-- again at once wakes the flow's workers (_wake_workers). Otherwise the task
-- fails, its message is archived, and its step and run fail (_fail_step).
-- retryables and retry_afters may be null or shorter than the other arrays:
-- a missing entry means retryable, with the backoff.
-- Only started tasks of started or paused runs change (a retry of a paused
-- run is queued, and start_tasks holds it until resume_run); the others are
-- left alone. Returns the tasks it changed; each keeps the attempt's error
-- (error_message). As _complete_tasks is for completions: one statement for
-- the whole batch, one pgmq call per flow and delay.
create or replace function pgflow._fail_tasks(run_ids uuid[], step_slugs text[], task_indexes integer[], error_messages text[],
                                   retryables boolean[] default null, retry_afters integer[] default null)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now       timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_changed   pgflow.step_tasks[];
  v_delays    integer[];
  v_permanent boolean[];
  v_group     record;
  v_failed    record;
begin
  if pgflow._is_distributed() then
    -- Citus: the same statement with the run joined by run_id (it refuses
    -- lateral subqueries beside a table function)
    with k as (
      select * from unnest(_fail_tasks.run_ids, _fail_tasks.step_slugs, _fail_tasks.task_indexes,
                           _fail_tasks.error_messages, _fail_tasks.retryables, _fail_tasks.retry_afters)
                      as k(r, s, i, e, rt, ra)
       where k.r is not null
    ), changed as (
      -- retried (queued again) while it is retryable and attempts remain, else failed
      update pgflow.step_tasks as t
         set status        = case when (k.rt is distinct from false and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)) then 'queued' else 'failed' end,
             started_at    = case when (k.rt is distinct from false and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)) then null else t.started_at end,
             failed_at     = case when (k.rt is distinct from false and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)) then null else v_now end,
             error_message = k.e
        from k
        join pgflow.runs as r on r.run_id = k.r and r.run_id = any(_fail_tasks.run_ids)
        join pgflow.steps as s on s.flow_slug = r.flow_slug and s.step_slug = k.s
        join pgflow.flows as f on f.flow_slug = r.flow_slug
       where t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i and t.run_id = r.run_id
         -- the keys the indexes are searched with in every plan (see
         -- _settle_completed_steps: "Keys"); the runs' status written so that
         -- no plan looks the runs up by it
         and t.run_id = any(_fail_tasks.run_ids) and t.step_slug = any(_fail_tasks.step_slugs)
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
      -- (t is the row as updated: a retry is queued)
      returning t as task,
                case when t.status = 'queued'
                     then coalesce(k.ra, pgflow.calculate_retry_delay(coalesce(s.opt_base_delay, f.opt_base_delay),
                                                                      t.attempts_count - 1)) end as delay,
                k.rt is not distinct from false as permanent
    )
    select array_agg(c.task order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.delay order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.permanent order by (c.task).run_id, (c.task).step_slug, (c.task).task_index)
      into v_changed, v_delays, v_permanent
      from changed as c;
  else
    with k as (
      select * from unnest(_fail_tasks.run_ids, _fail_tasks.step_slugs, _fail_tasks.task_indexes,
                           _fail_tasks.error_messages, _fail_tasks.retryables, _fail_tasks.retry_afters)
                      as k(r, s, i, e, rt, ra)
       where k.r is not null
    ), changed as (
      -- retried (queued again) while it is retryable and attempts remain, else failed
      update pgflow.step_tasks as t
         set status        = case when (k.rt is distinct from false and t.attempts_count < m.max_attempts) then 'queued' else 'failed' end,
             started_at    = case when (k.rt is distinct from false and t.attempts_count < m.max_attempts) then null else t.started_at end,
             failed_at     = case when (k.rt is distinct from false and t.attempts_count < m.max_attempts) then null else v_now end,
             error_message = k.e
        from k
        -- each run by its key (a lateral subquery, not flattened: offset 0),
        -- whatever the statistics said when the plan was made
        cross join lateral (select r.* from pgflow.runs as r where r.run_id = k.r offset 0) as r
        join pgflow.steps as s on s.flow_slug = r.flow_slug and s.step_slug = k.s
        join pgflow.flows as f on f.flow_slug = r.flow_slug
       cross join lateral (select coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts) as m
       where t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
         -- the keys the indexes are searched with in every plan (see
         -- _settle_completed_steps: "Keys"); the runs' status written so that
         -- no plan looks the runs up by it
         and t.run_id = any(_fail_tasks.run_ids) and t.step_slug = any(_fail_tasks.step_slugs)
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
      -- (t is the row as updated: a retry is queued)
      returning t as task,
                case when t.status = 'queued'
                     then coalesce(k.ra, pgflow.calculate_retry_delay(coalesce(s.opt_base_delay, f.opt_base_delay),
                                                                      t.attempts_count - 1)) end as delay,
                k.rt is not distinct from false as permanent
    )
    select array_agg(c.task order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.delay order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.permanent order by (c.task).run_id, (c.task).step_slug, (c.task).task_index)
      into v_changed, v_delays, v_permanent
      from changed as c;
  end if;
  if v_changed is null then
    return;
  end if;

  -- Retries: their messages come back after their delay; at once, with a wake-up.
  for v_group in
    select c.flow_slug, d.delay, array_agg(c.message_id order by c.message_id) as msg_ids
      from unnest(v_changed) with ordinality as c
      join unnest(v_delays) with ordinality as d(delay, n) on d.n = c.ordinality
     where c.status = 'queued'
     group by 1, 2
  loop
    perform pgmq.set_vt(v_group.flow_slug, v_group.msg_ids, v_group.delay);
    if v_group.delay = 0 then
      perform pgflow._wake_workers(v_group.flow_slug);
    end if;
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
    select distinct on (c.run_id, c.step_slug) c.run_id, c.flow_slug, c.step_slug, c.error_message, p.permanent
      from unnest(v_changed) with ordinality as c
      join unnest(v_permanent) with ordinality as p(permanent, n) on p.n = c.ordinality
     where c.status = 'failed'
     order by c.run_id, c.step_slug, c.task_index
  loop
    perform pgflow._fail_step(v_failed.run_id, v_failed.flow_slug, v_failed.step_slug, v_failed.error_message,
                              case when v_failed.permanent then 'permanent' else 'exhausted' end);
  end loop;

  return query select * from unnest(v_changed);
end;
$$;

-- changed in 0.2.11 (sql/0425_function_retry_run.sql)
-- retry_run( run_id )
-- Takes a failed run back to started, from where it failed:
-- - completed steps keep their outputs, and skipped steps stay skipped (a
--   step skipped by when_exhausted too: its dependents may have run without
--   it already);
-- - every task that did not complete, of the failed steps and of the steps
--   the failure interrupted (their messages were archived when the run
--   failed), is queued again with fresh attempts (attempts_count 0) and a new
--   message, visible at once; it keeps its last error until its next attempt
--   reports;
-- - a failed step with tasks is started again; one that failed before it had
--   any (an unmet condition with when_unmet fail) is created again and
--   becomes ready as in a new run, its condition tested again;
-- - steps that never started wait for their dependencies as in a new run.
-- Sends run:retried (status started), then step:started for each step
-- started again, and wakes the flow's workers. Returns the run.
--
-- Only a failed run can be retried: any other status, cancelled included (a
-- cancel is a decision, not a failure: start a new run), is
-- object_not_in_prerequisite_state. An unknown run, or one of a flow the
-- caller may not use, is undefined_object, alike.
--
-- Late reports of the attempts that ran when the run failed change nothing:
-- their tasks are queued, not started, once retry_run committed, and a report
-- that came first found the run failed. Both lock the run first.
create or replace function pgflow.retry_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run   pgflow.runs%rowtype;
  v_r     uuid[];
  v_s     text[];
  v_i     integer[];
  v_ids   bigint[];
  v_steps text[];
begin
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(retry_run.run_id,
                                   'Pass the id of the failed run to retry (pgflow.runs.run_id).');
  if v_run.status <> 'failed' then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be retried', retry_run.run_id, v_run.status),
      hint    = case v_run.status
                  when 'cancelled' then 'A cancelled run stays cancelled: start a new run with its input instead.'
                  else 'Only a failed run can be retried; a started or paused run is still going, a completed one is done.'
                end;
  end if;

  -- The tasks to run again: every one that did not complete, of the steps
  -- that failed or were interrupted, in the order of the flow's steps.
  with reopened as (
    update pgflow.step_tasks as t
       set status = 'queued', attempts_count = 0, started_at = null, failed_at = null, output = null,
           queued_at = now()
      from pgflow.step_states as ss
     where ss.run_id = retry_run.run_id and ss.status in ('failed', 'started')
       and t.run_id = ss.run_id and t.step_slug = ss.step_slug
       and t.status in ('queued', 'started', 'failed')
    returning t.run_id, t.step_slug, t.task_index
  )
  select array_agg(o.run_id order by s.step_index, o.task_index),
         array_agg(o.step_slug order by s.step_index, o.task_index),
         array_agg(o.task_index order by s.step_index, o.task_index)
    into v_r, v_s, v_i
    from reopened as o
    join pgflow.steps as s on s.flow_slug = v_run.flow_slug and s.step_slug = o.step_slug;

  if v_r is not null then
    -- Within one insert, pgmq's identity hands out ids in array order.
    v_ids := array(
      select id
        from pgmq.send_batch(
               v_run.flow_slug,
               array(select jsonb_build_object('flow_slug', v_run.flow_slug, 'run_id', u.r,
                                               'step_slug', u.s, 'task_index', u.i)
                       from unnest(v_r, v_s, v_i) with ordinality as u(r, s, i, n)
                      order by u.n),
               0) as id
       order by id);
    update pgflow.step_tasks as t
       set message_id = u.id
      from unnest(v_r, v_s, v_i, v_ids) as u(r, s, i, id)
     where t.run_id = u.r and t.step_slug = u.s and t.task_index = u.i;
  end if;

  -- Failed steps: started again with their open tasks, or created again
  -- when they had none.
  with reset as (
    update pgflow.step_states as ss
       set status = case when c.open > 0 then 'started' else 'created' end,
           started_at = case when c.open > 0 then coalesce(ss.started_at, now()) end,
           remaining_tasks = case when c.open > 0 then c.open end,
           failed_at = null, error_message = null
      from (select fs.step_slug,
                   (select count(*)::integer from pgflow.step_tasks as t
                     where t.run_id = fs.run_id and t.step_slug = fs.step_slug and t.status = 'queued') as open
              from pgflow.step_states as fs
             where fs.run_id = retry_run.run_id and fs.status = 'failed') as c
     where ss.run_id = retry_run.run_id and ss.step_slug = c.step_slug
    returning ss.step_slug, ss.status
  )
  select array_agg(r.step_slug) filter (where r.status = 'started') into v_steps from reset as r;

  update pgflow.runs as r
     set status = 'started', failed_at = null, output = null,
         remaining_steps = (select count(*)::integer from pgflow.step_states as ss
                             where ss.run_id = retry_run.run_id and ss.status in ('created', 'started'))
   where r.run_id = retry_run.run_id;

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:retried',
    jsonb_build_object('status', 'started', 'retried_at', now()));
  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'step:started',
            jsonb_build_object('step_slug', ss.step_slug, 'status', 'started',
                               'started_at', ss.started_at, 'remaining_tasks', ss.remaining_tasks))
     from pgflow.step_states as ss
     join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
    where ss.run_id = retry_run.run_id and ss.step_slug = any(v_steps)
    order by s.step_index;
  if v_r is not null then
    perform pgflow._wake_workers(v_run.flow_slug);
  end if;

  -- What is ready now (a step created again) is queued, as after a start.
  perform pgflow._cascade(array[retry_run.run_id], array[v_run.flow_slug], null, null);
  select * into v_run from pgflow.runs as r where r.run_id = retry_run.run_id;
  return v_run;
end;
$$;

comment on function pgflow.retry_run(uuid) is
  'takes a failed run back to started: completed steps keep their outputs, failed and interrupted tasks run again with fresh attempts';

-- changed in 0.2.11 (sql/0640_function_prune.sql)
-- prune( older_than )
-- Deletes the runs that completed, failed or were cancelled more than older_than ago, with
-- their step_states, step_tasks and signals (their idempotency keys go with
-- them), and their tasks' messages from the flow's
-- pgmq archive (and queue, should one be left there). Started and paused runs stay.
-- Returns the number of runs deleted.
create or replace function pgflow.prune(older_than interval)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run_ids uuid[];
  v_flow    text;
  v_msg_ids bigint[];
  v_found   uuid[];
  v_id      uuid;
  -- a value, not now() beside the columns: Citus evaluates no STABLE
  -- function next to a distributed table's columns
  v_before  timestamptz := now() - prune.older_than;
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
  if pgflow._is_distributed() then
    -- Citus locks rows of one shard per statement only: the old runs, then
    -- each one locked (and checked again) on its own, in the same order
    v_found := array(
      select r.run_id
        from pgflow.runs as r
       where (r.status = 'completed' and r.completed_at < v_before)
          or (r.status = 'failed' and r.failed_at < v_before)
          or (r.status = 'cancelled' and r.cancelled_at < v_before) -- cancel
       order by r.run_id);
    v_run_ids := '{}';
    foreach v_id in array v_found loop
      perform from pgflow.runs as r
        where r.run_id = v_id
          and ((r.status = 'completed' and r.completed_at < v_before)
               or (r.status = 'failed' and r.failed_at < v_before)
               or (r.status = 'cancelled' and r.cancelled_at < v_before)) -- cancel
          for update;
      if found then
        v_run_ids := v_run_ids || v_id;
      end if;
    end loop;
  else
    v_run_ids := array(
      select r.run_id
        from pgflow.runs as r
       where (r.status = 'completed' and r.completed_at < now() - prune.older_than)
          or (r.status = 'failed' and r.failed_at < now() - prune.older_than)
          or (r.status = 'cancelled' and r.cancelled_at < now() - prune.older_than) -- cancel
       order by r.run_id
         for update);
  end if;
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

  delete from pgflow.signals as sg where sg.run_id = any(v_run_ids);
  delete from pgflow.step_tasks as t where t.run_id = any(v_run_ids);
  delete from pgflow.step_states as ss where ss.run_id = any(v_run_ids);
  delete from pgflow.runs as r where r.run_id = any(v_run_ids);
  return cardinality(v_run_ids);
end;
$$;

comment on function pgflow.prune(interval) is
  'deletes runs finished more than older_than ago, with their states, tasks and archived messages';

-- new in 0.2.11 (sql/0710_function__may_grant.sql)
-- _may_grant( role )
-- Whether role may pass pgflow's privileges on: the owner of the extension,
-- a superuser, or a role holding them with grant option. Asked of pgflow's
-- start_tasks(), which every install has and no grant helper hands out with
-- grant option. The one place this is written: the grant helpers
-- (_assert_may_grant), uninstall, and the client checks (_authorize_client,
-- subscribe), which let such a role use every flow. role is the caller the
-- check is about (pgflow._caller() in a definer function, current_user in an
-- invoker one).
create function pgflow._may_grant(role text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select pg_catalog.has_function_privilege(_may_grant.role, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION');
$$;

revoke all on function pgflow._may_grant(text) from public;

-- changed in 0.2.11 (sql/0715_function__assert_may_grant.sql)
-- _assert_may_grant( helper, role, example )
-- The opening of the grant helpers (grant_worker, grant_client, grant_admin,
-- revoke_all; helper is the name of the one calling): only a role that may
-- pass pgflow's privileges on calls them (the owner, a superuser, or a role
-- holding them with grant option), and role must not be null. Returns the
-- role's name, for the GRANT and REVOKE statements. example is the call to
-- show in the hint of a null role. A role that no longer exists (dropped
-- after DROP OWNED BY, its oid left in pgflow.grants) is undefined_object,
-- except to revoke_all, which gets null and forgets its records. An invoker
-- function, like the helpers: current_user is their caller.
create or replace function pgflow._assert_may_grant(helper text, role regrole, example text)
returns name
language plpgsql
stable
set search_path = ''
as $$
declare
  v_role name;
begin
  if not pgflow._may_grant(current_user) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not call pgflow.%s', current_user, _assert_may_grant.helper),
      hint    = 'Only the owner of the pgflow extension (or a superuser) hands out pgflow''s privileges.';
  end if;
  if _assert_may_grant.role is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'role must not be null',
      hint    = format('Name an existing role: %s', _assert_may_grant.example);
  end if;
  select r.rolname into v_role from pg_catalog.pg_roles as r where r.oid = _assert_may_grant.role;
  if not found and _assert_may_grant.helper <> 'revoke_all' then
    raise exception using
      errcode = 'undefined_object',
      message = format('role with oid %s does not exist', _assert_may_grant.role::oid),
      hint    = 'Name an existing role.';
  end if;
  return v_role;
end;
$$;

-- changed in 0.2.11 (sql/0730_function_grant_client.sql)
-- grant_client( role, flow_slugs )
-- Makes role a client of the given flows (null: every flow, those created
-- later included): it may start runs of them (start_flow, start_flows,
-- start_flow_with_states), read them (get_run_with_states; select on flows,
-- steps, deps, runs, step_states, step_tasks, where row-level security shows
-- it the rows of its flows only; signals too), cancel, pause and resume
-- them and send signals to their signal steps (send_signal); a run of
-- another flow is to it a run that does not exist. It needs no privilege on
-- pgmq: start_flow sends the messages as pgflow's owner. Calls add up: a
-- second call adds flows, and after a null call the role has every flow;
-- revoke_all takes everything back. Raises undefined_object for an unknown
-- flow, granting nothing. The flows are recorded in pgflow.grants, which
-- _authorize_client and the row-level security policies read. Only pgflow's
-- owner calls it.
create or replace function pgflow.grant_client(role regrole, flow_slugs text[] default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role    name := pgflow._assert_may_grant('grant_client', grant_client.role,
                                             'select pgflow.grant_client(''my_app'', array[''my_flow'']);');
  v_fn      regprocedure;
  v_unknown text;
begin
  if array_position(grant_client.flow_slugs, null) is not null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow_slugs must not contain null',
      hint    = 'Pass the slugs of existing flows, or null (not an array) for every flow.';
  end if;
  select u.s into v_unknown
    from unnest(grant_client.flow_slugs) as u(s)
   where not exists (select from pgflow.flows as f where f.flow_slug = u.s)
   limit 1;
  if found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(v_unknown, 200)),
      hint    = 'Grant a client the flows it uses, after creating them with pgflow.create_flow(), or null for every flow.';
  end if;

  insert into pgflow.grants (role, kind, flow_slug)
  select grant_client.role, 'client', u.s
    from unnest(coalesce(grant_client.flow_slugs, array[null::text])) as u(s)
  on conflict on constraint grants_role_kind_flow_slug_key do nothing;

  execute format('grant usage on schema pgflow to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are
  -- skipped. _authorize_client and _readable_flows: start_flow_with_states
  -- and the row-level security policies call them as the client, and the
  -- metrics functions _metrics_since.
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['start_flow', 'start_flows', 'start_flow_with_states', 'get_run_with_states',
                                              'cancel_run', 'pause_run', 'resume_run', 'retry_run', 'subscribe', 'send_signal',
                                              'metrics_runs', 'metrics_tasks', 'metrics_queues', 'metrics_throughput',
                                              'metrics_task_durations', 'metrics_stalled_tasks', 'list_failed_runs',
                                              'get_flow_shape', '_authorize_client', '_readable_flows', '_metrics_since'])
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, v_role);
  end loop;
  execute format('grant select on table pgflow.flows, pgflow.steps, pgflow.deps, pgflow.runs, '
                 'pgflow.step_states, pgflow.step_tasks, pgflow.signals to %I', v_role);
end;
$$;

comment on function pgflow.grant_client(regrole, text[]) is
  'lets a role start, read, cancel, pause and resume runs of the given flows (null: every flow), and nothing else';

-- changed in 0.2.11 (sql/0740_function_grant_admin.sql)
-- grant_admin( role )
-- Makes role an administrator: it defines flows (create_flow, add_step and,
-- where they exist, ensure_flow, set_flow_options, set_step_options,
-- get_flow_shape, delete_flow_and_data), schedules them (schedule_flow,
-- unschedule_flow), runs the upkeep (requeue_stalled_tasks, prune,
-- schedule_maintenance, stop_worker, check_invariants) and reads every table
-- of pgflow, every row (recorded in pgflow.grants, for the row-level
-- security policies). It does not start runs or work tasks, and cannot hand
-- out privileges. Only pgflow's owner calls it.
create or replace function pgflow.grant_admin(role regrole)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role name := pgflow._assert_may_grant('grant_admin', grant_admin.role, 'select pgflow.grant_admin(''my_admin'');');
  v_fn   regprocedure;
begin
  insert into pgflow.grants (role, kind, flow_slug) values (grant_admin.role, 'admin', null)
  on conflict on constraint grants_role_kind_flow_slug_key do nothing;

  execute format('grant usage on schema pgflow to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are
  -- skipped. _readable_flows: the row-level security policies call it;
  -- _metrics_since: the metrics functions do.
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['create_flow', 'add_step', 'ensure_flow', 'set_flow_options',
                                              'set_step_options', 'get_flow_shape', 'delete_flow_and_data',
                                              'schedule_flow', 'unschedule_flow', 'requeue_stalled_tasks',
                                              'prune', 'schedule_maintenance', 'list_schedules', 'stop_worker', 'check_invariants',
                                              'metrics_runs', 'metrics_tasks', 'metrics_queues', 'metrics_throughput',
                                              'metrics_task_durations', 'metrics_stalled_tasks', 'list_failed_runs',
                                              '_readable_flows', '_metrics_since'])
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, v_role);
  end loop;
  execute format('grant select on all tables in schema pgflow to %I', v_role);
end;
$$;

comment on function pgflow.grant_admin(regrole) is
  'lets a role define, schedule and maintain flows, and read every pgflow table';

-- changed in 0.2.11 (sql/0760_function_uninstall.sql)
-- uninstall()
-- Removes what DROP EXTENSION pgflow would leave behind, before it is run:
-- the pg_cron jobs pgflow scheduled (pgflow.schedules; they would fail every
-- minute once the functions are gone), every flow's pgmq queue with its
-- archive (pgmq is an extension of its own, so its queues outlive pgflow,
-- and a new flow of an old slug would find the old queue), and every
-- privilege the grant helpers gave (revoke_all per role in pgflow.grants).
-- The data goes with the queues: this is for removing pgflow for good.
--   select pgflow.uninstall(); drop extension pgflow; drop schema pgflow;
-- (schema pgflow is not a member of the extension: DROP EXTENSION leaves it.)
-- Only the owner of pgflow or a superuser runs it (no grant helper gives it).
create or replace function pgflow.uninstall()
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flow text;
  v_role regrole;
begin
  if not pgflow._may_grant(pgflow._caller()) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not uninstall pgflow', pgflow._caller()),
      hint    = 'Only the owner of the pgflow extension (or a superuser) removes it.';
  end if;
  -- (records restored into a database that cannot reach pg_cron have no job to remove)
  if pgflow._cron_place() is not null then
    begin
      perform pgflow._unschedule_job(s.job_name) from pgflow.schedules as s order by s.job_name;
    exception when feature_not_supported then
      -- cron.database_name names a database without pg_cron, or one the
      -- owner may not reach through dblink: no job of ours can be there to
      -- remove, or none that we can; say so and remove the rest
      raise warning using
        message = format('uninstall left pgflow''s pg_cron jobs alone: %s', sqlerrm),
        hint    = 'Remove them with cron.unschedule() in the database that cron.database_name names, if they exist.';
    end;
  end if;
  delete from pgflow.schedules;
  for v_role in select distinct g.role from pgflow.grants as g order by g.role loop
    perform pgflow.revoke_all(v_role);
  end loop;
  for v_flow in select f.flow_slug from pgflow.flows as f order by f.flow_slug loop
    if exists (select from pgmq.meta as m where m.queue_name = v_flow) then
      perform pgmq.drop_queue(v_flow);
    end if;
  end loop;
end;
$$;

comment on function pgflow.uninstall() is
  'before drop extension pgflow: removes pgflow''s cron jobs, every flow''s queue and the privileges pgflow granted';

-- new in 0.2.11 (sql/0766_function__is_distributed.sql)
-- _is_distributed()
-- Whether pgflow's tables are distributed by Citus (docs/scaling.md):
-- pgflow.distribute() sets pgflow.distributed = on on each of pgflow's
-- functions, so this is true inside them after it ran, and false on plain
-- PostgreSQL. The few statements that need another form on Citus (a
-- FOR UPDATE over many runs, which Citus refuses: it locks rows of one
-- shard per statement) choose by it, and plain PostgreSQL keeps its own.
-- Reading a setting costs no catalog lookup on the hot path.
create function pgflow._is_distributed()
returns boolean
language sql
stable
parallel safe
set search_path = ''
as $$
  select coalesce(pg_catalog.current_setting('pgflow.distributed', true), '') = 'on';
$$;

revoke all on function pgflow._is_distributed() from public;

-- changed in 0.2.11 (sql/0770_function_distribute.sql)
-- distribute()
-- On a Citus coordinator (docs/scaling.md): spreads pgflow's tables over the
-- worker nodes, once, and reports where each table lives.
--   reference tables (a copy on every node): flows, steps, deps, grants,
--     workers: the definitions every statement joins with, the grants that
--     row-level security reads beside the runtime rows, the workers that
--     requeue_stalled_tasks reads beside the tasks;
--   distributed by run_id, colocated with runs: runs, step_states,
--     step_tasks, signals (every runtime key starts with run_id, so one
--     run's rows are on one node and a statement about a run goes to one
--     shard);
--   local on the coordinator: subscriptions and schedules (LISTEN/NOTIFY
--     and pg_cron are the coordinator's), and pgmq's queues: pgmq is not
--     distributed (as a reference table pgmq.read's FOR UPDATE SKIP LOCKED
--     is refused, distributed its reads fail, and each flow's queue table
--     is created later by pgmq.create), and workers read their messages on
--     the coordinator they connect to.
-- The unique index runs_idempotency_key_idx (flow_slug, idempotency_key)
-- cannot exist on a table distributed by run_id: it becomes a plain index
-- of the same name (see docs/scaling.md for what that means for
-- start_flow's idempotency_key).
-- The functions that force generic plans get custom plans (Citus cannot
-- plan a generic one over distributed tables), and every function of pgflow
-- uses one connection per node (citus.multi_shard_modify_mode = sequential)
-- and knows it runs on Citus (pgflow.distributed = on, _is_distributed).
-- The row-level security policies (granted_flows) are made again without
-- their subquery, which Citus refuses in the policies of its tables.
-- Idempotent: a table already placed as above is left alone (changed is
-- false); a table placed otherwise is an error, and nothing changes. Citus's
-- functions are called only as members of the citus extension
-- (_citus_function). Refuses with feature_not_supported where citus is not
-- installed, and object_not_in_prerequisite_state where this database is
-- not a coordinator with worker nodes. pgflow's owner (or a superuser) calls
-- it: Citus distributes only the tables the caller owns.
create or replace function pgflow.distribute()
returns table (table_name regclass, placement text, changed boolean)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_is_coordinator boolean;
  v_reference text;
  v_distributed text;
  v_truncate text;
  v_table regclass;
  v_method text;
  v_repmodel text;
  v_column text;
  v_column_name text;
  v_in_metadata boolean;
  v_runs_colocation integer;
  -- Citus's catalog, named in EXECUTE only: pgflow compiles without Citus
  v_partition text := 'pg_catalog.pg_dist_partition';
  v_has_rows boolean;
  v_any_change boolean := false;
  v_function regprocedure;
  v_old_mode text := pg_catalog.current_setting('citus.multi_shard_modify_mode', true);
  v_old_fkeys text := pg_catalog.current_setting('citus.enable_local_reference_table_foreign_keys', true);
begin
  -- raises feature_not_supported where citus is missing
  v_reference   := pgflow._citus_function('create_reference_table');
  v_distributed := pgflow._citus_function('create_distributed_table');
  v_truncate    := pgflow._citus_function('truncate_local_data_after_distributing_table');
  v_column_name := pgflow._citus_function('column_to_column_name');
  execute pg_catalog.format('select %s()', pgflow._citus_function('citus_is_coordinator')) into v_is_coordinator;
  if not coalesce(v_is_coordinator, false) then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('database "%s" is not on a Citus coordinator with worker nodes', pg_catalog.current_database()),
      hint    = 'Call pgflow.distribute() on the coordinator, after adding the worker nodes (select citus_add_node(host, port)).';
  end if;

  -- Citus's settings for this call only (restored below): one connection
  -- per node for the whole transaction, so that the reference tables made
  -- first may be used by the distributed ones next; no coordinator
  -- placements pulled in by foreign keys (pgflow has none between its tables).
  perform pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
  perform pg_catalog.set_config('citus.enable_local_reference_table_foreign_keys', 'off', true);

  -- Check first, change after: a table placed otherwise changes nothing.
  for v_table, placement in
    select t.t, t.p from (values ('pgflow.flows'::regclass, 'reference'), ('pgflow.steps', 'reference'),
                                 ('pgflow.deps', 'reference'), ('pgflow.grants', 'reference'),
                                 ('pgflow.workers', 'reference'),
                                 ('pgflow.runs', 'distributed by run_id'), ('pgflow.step_states', 'distributed by run_id'),
                                 ('pgflow.step_tasks', 'distributed by run_id'), ('pgflow.signals', 'distributed by run_id'),
                                 ('pgflow.subscriptions', 'local'), ('pgflow.schedules', 'local')) as t (t, p)
  loop
    v_method := null; v_repmodel := null; v_column := null;
    execute pg_catalog.format($q$select p.partmethod::text, p.repmodel::text,
                                        case when p.partkey is not null then %s(p.logicalrelid, p.partkey) end
                                   from %s as p where p.logicalrelid = $1$q$, v_column_name, v_partition)
      into v_method, v_repmodel, v_column using v_table;
    if v_method is not null
       and not (placement = 'reference' and v_method = 'n' and v_repmodel = 't')
       and not (placement = 'distributed by run_id' and v_method = 'h' and v_column = 'run_id') then
      raise exception using
        errcode = 'object_not_in_prerequisite_state',
        message = format('table %s is already in Citus''s metadata (partition method "%s", column "%s"), not %s',
                         v_table, v_method, coalesce(v_column, ''), case placement when 'local' then 'a local table' else 'a ' || placement || ' table' end),
        hint    = 'Undo it with undistribute_table(), then call pgflow.distribute() again.';
    end if;
  end loop;

  for v_table, placement in
    select t.t, t.p from (values ('pgflow.flows'::regclass, 'reference'), ('pgflow.steps', 'reference'),
                                 ('pgflow.deps', 'reference'), ('pgflow.grants', 'reference'),
                                 ('pgflow.workers', 'reference'),
                                 ('pgflow.runs', 'distributed by run_id'), ('pgflow.step_states', 'distributed by run_id'),
                                 ('pgflow.step_tasks', 'distributed by run_id'), ('pgflow.signals', 'distributed by run_id'),
                                 ('pgflow.subscriptions', 'local'), ('pgflow.schedules', 'local')) as t (t, p)
  loop
    changed := false;
    execute pg_catalog.format('select exists (select from %s as p where p.logicalrelid = $1)', v_partition)
      into v_in_metadata using v_table;
    if placement <> 'local' and not v_in_metadata then
      execute pg_catalog.format('select exists (select from %s)', v_table) into v_has_rows;
      if v_table = 'pgflow.runs'::regclass then
        -- unique indexes of a distributed table must include run_id
        if exists (select from pg_catalog.pg_index as i
                    where i.indexrelid = pg_catalog.to_regclass('pgflow.runs_idempotency_key_idx') and i.indisunique) then
          drop index pgflow.runs_idempotency_key_idx;
          create index runs_idempotency_key_idx on pgflow.runs (flow_slug, idempotency_key)
            where idempotency_key is not null;
        end if;
      end if;
      -- Citus refuses subqueries in the policies of its tables: the reader's
      -- flows are read per row instead of once per query (an InitPlan)
      if exists (select from pg_catalog.pg_policy as p where p.polrelid = v_table and p.polname = 'granted_flows') then
        execute pg_catalog.format('drop policy granted_flows on %s', v_table);
        execute pg_catalog.format('create policy granted_flows on %s for select
                                     using (flow_slug = any (pgflow._readable_flows(current_user::regrole)))', v_table);
      end if;
      if placement = 'reference' then
        execute pg_catalog.format('select %s(table_name => $1)', v_reference) using v_table;
      elsif v_table = 'pgflow.runs'::regclass then
        execute pg_catalog.format('select %s(table_name => $1, distribution_column => $2, colocate_with => $3)', v_distributed)
          using v_table, 'run_id', 'none';
      else
        execute pg_catalog.format('select %s(table_name => $1, distribution_column => $2, colocate_with => $3)', v_distributed)
          using v_table, 'run_id', 'pgflow.runs';
      end if;
      -- the rows were copied to the shards; the coordinator's local copy goes
      if v_has_rows then
        execute pg_catalog.format('select %s(function_name => $1)', v_truncate) using v_table;
      end if;
      changed := true;
      v_any_change := true;
    end if;
    table_name := v_table;
    return next;
  end loop;

  -- every runtime table colocated with runs (rows of one run on one node)
  execute pg_catalog.format($q$select count(distinct p.colocationid)::integer from %s as p
              where p.logicalrelid = any (array['pgflow.runs', 'pgflow.step_states', 'pgflow.step_tasks', 'pgflow.signals']::regclass[])$q$,
                            v_partition)
    into v_runs_colocation;
  if v_runs_colocation <> 1 then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = 'pgflow''s runtime tables are distributed by run_id but not colocated with pgflow.runs',
      hint    = 'Undo their distribution with undistribute_table(), then call pgflow.distribute() again.';
  end if;

  -- Citus plans a statement over distributed tables only with its
  -- parameters' values: the functions that force generic plans (for plain
  -- PostgreSQL's speed) get custom plans here instead; an update that
  -- replaces them is followed by distribute() again (docs/scaling.md)
  for v_function in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and 'plan_cache_mode=force_generic_plan' = any (p.proconfig)
     order by p.oid::regprocedure::text
  loop
    execute pg_catalog.format('alter function %s set plan_cache_mode = force_custom_plan', v_function);
    raise notice 'function % now plans with its parameters'' values (plan_cache_mode = force_custom_plan)', v_function;
    v_any_change := true;
  end loop;

  -- One connection per node for each of pgflow's functions: a transaction
  -- that modified a run's shard over one connection and then reads or
  -- changes shards of the same node over another fails (cannot perform
  -- query with placements that were modified over multiple connections),
  -- which happened at random, by where the runs' shards were (start_flow
  -- after create_flow in one transaction, the cascade over several runs).
  -- Statements pinned to one run go over one connection anyway.
  for v_function in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.prokind = 'f'
       and p.oid <> 'pgflow.distribute()'::regprocedure
       and not coalesce('citus.multi_shard_modify_mode=sequential' = any (p.proconfig), false)
     order by p.oid::regprocedure::text
  loop
    execute pg_catalog.format('alter function %s set citus.multi_shard_modify_mode = sequential', v_function);
    -- and the mark the functions that lock runs read (_is_distributed)
    execute pg_catalog.format('alter function %s set pgflow.distributed = on', v_function);
    v_any_change := true;
  end loop;

  if not v_any_change then
    raise notice 'pgflow is distributed already: nothing changed';
  end if;
  perform pg_catalog.set_config('citus.multi_shard_modify_mode', coalesce(v_old_mode, 'parallel'), true);
  perform pg_catalog.set_config('citus.enable_local_reference_table_foreign_keys', coalesce(v_old_fkeys, 'on'), true);
end;
$$;

revoke all on function pgflow.distribute() from public;
revoke all on function pgflow._citus_function(text) from public;

comment on function pgflow.distribute() is
  'on a Citus coordinator: makes the definitions reference tables and the runtime tables distributed by run_id, colocated; idempotent';

-- new in 0.2.11 (sql/0809_function__metrics_since.sql)
-- _metrics_since( minutes, whole_minutes = false )
-- The start of the metrics functions' window, the last minutes (1 to 1440,
-- checked here once for all of them: invalid_parameter_value naming the
-- value otherwise): now (the clock) minus minutes, or, with whole_minutes,
-- the start of the minute minutes - 1 minutes before the current one (the
-- first of metrics_throughput's per-minute buckets).
create function pgflow._metrics_since(minutes integer, whole_minutes boolean default false)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
begin
  if _metrics_since.minutes is null or _metrics_since.minutes not between 1 and 1440 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('minutes must be between 1 and 1440, got %s', coalesce(_metrics_since.minutes::text, 'null')),
      hint    = 'Ask for the last hour with 60, the last day with 1440.';
  end if;
  if _metrics_since.whole_minutes then
    return date_trunc('minute', clock_timestamp()) - make_interval(mins => _metrics_since.minutes - 1);
  end if;
  return clock_timestamp() - make_interval(mins => _metrics_since.minutes);
end;
$$;

revoke all on function pgflow._metrics_since(integer, boolean) from public;

-- changed in 0.2.11 (sql/0810_function_metrics_runs.sql)
-- metrics_runs( minutes )
-- Runs by status, per flow the caller may read: the runs in flight now
-- (started, paused), and those that completed, failed or were cancelled in
-- the last minutes (default 60, at most 1440). One row per flow and status,
-- zeros included, so that a gauge built from it drops to 0. Finished runs
-- are counted over a window, not over all history, so that the cost grows
-- with the runs finished in the window and not with the size of pgflow.runs
-- (runs_status_flow_idx, and an index per finished status: sql/0800). An
-- invoker function: row-level security shows a client its flows' runs only,
-- an admin every run (grant_client and grant_admin grant it).
create or replace function pgflow.metrics_runs(minutes integer default 60)
returns table (flow_slug text, status text, runs bigint)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_runs.minutes);
  return query
    select f.flow_slug, s.status,
           case s.status
             when 'started' then (select count(*) from pgflow.runs as r
                                   where r.flow_slug = f.flow_slug and r.status collate "C" = 'started')
             when 'paused' then (select count(*) from pgflow.runs as r
                                  where r.flow_slug = f.flow_slug and r.status collate "C" = 'paused')
             when 'completed' then (select count(*) from pgflow.runs as r
                                     where r.flow_slug = f.flow_slug and r.status collate "C" = 'completed'
                                       and r.completed_at >= v_since)
             when 'failed' then (select count(*) from pgflow.runs as r
                                  where r.flow_slug = f.flow_slug and r.status collate "C" = 'failed'
                                    and r.failed_at >= v_since)
             else (select count(*) from pgflow.runs as r
                    where r.flow_slug = f.flow_slug and r.status collate "C" = 'cancelled'
                      and r.cancelled_at >= v_since)
           end
      from pgflow.flows as f
     cross join unnest(array['started', 'paused', 'completed', 'failed', 'cancelled']) with ordinality as s(status, n)
     order by f.flow_slug, s.n;
end;
$$;

comment on function pgflow.metrics_runs(integer) is
  'runs in flight by status, and runs finished in the last minutes, per flow the caller may read';

-- changed in 0.2.11 (sql/0811_function_metrics_tasks.sql)
-- metrics_tasks( minutes )
-- Tasks by status, per flow the caller may read: the tasks in flight now
-- (queued, started), and those that completed or failed in the last minutes
-- (default 60, at most 1440). One row per flow and status, zeros included,
-- so that a gauge built from it drops to 0. Finished tasks are counted over
-- a window, not over all history, so that the cost grows with the tasks
-- finished in the window and not with the size of pgflow.step_tasks; it
-- reads the metrics indexes only (sql/0800), one flow at a time. An invoker
-- function, read through row-level security like metrics_runs.
create or replace function pgflow.metrics_tasks(minutes integer default 60)
returns table (flow_slug text, status text, tasks bigint)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_tasks.minutes);
  return query
    select f.flow_slug, s.status,
           case s.status
             when 'queued' then (select count(*) from pgflow.step_tasks as t
                                  where t.flow_slug = f.flow_slug and t.status collate "C" = 'queued')
             when 'started' then (select count(*) from pgflow.step_tasks as t
                                   where t.flow_slug = f.flow_slug and t.status collate "C" = 'started')
             when 'completed' then (select count(*) from pgflow.step_tasks as t
                                     where t.flow_slug = f.flow_slug and t.status collate "C" = 'completed'
                                       and t.completed_at >= v_since)
             else (select count(*) from pgflow.step_tasks as t
                    where t.flow_slug = f.flow_slug and t.status collate "C" = 'failed' and t.failed_at >= v_since)
           end
      from pgflow.flows as f
     cross join unnest(array['queued', 'started', 'completed', 'failed']) with ordinality as s(status, n)
     order by f.flow_slug, s.n;
end;
$$;

comment on function pgflow.metrics_tasks(integer) is
  'tasks in flight by status, and tasks completed or failed in the last minutes, per flow the caller may read';

-- changed in 0.2.11 (sql/0813_function_metrics_throughput.sql)
-- metrics_throughput( minutes )
-- Tasks completed per minute over the last minutes (default 60, at most
-- 1440), per flow the caller may read: one row per flow and minute, oldest
-- first, zeros included, the current (partial) minute last. Reads
-- step_tasks_completed_idx, one flow at a time. An invoker function, read
-- through row-level security like metrics_runs.
create or replace function pgflow.metrics_throughput(minutes integer default 60)
returns table (flow_slug text, minute timestamptz, completed bigint)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_throughput.minutes, whole_minutes => true);
  return query
    select f.flow_slug, m.minute, coalesce(c.completed, 0)
      from pgflow.flows as f
     cross join generate_series(v_since, date_trunc('minute', clock_timestamp()), interval '1 minute') as m(minute)
      left join lateral (
            select date_trunc('minute', t.completed_at) as minute, count(*) as completed
              from pgflow.step_tasks as t
             where t.flow_slug = f.flow_slug
               and t.status collate "C" = 'completed'
               and t.completed_at >= v_since
             group by 1) as c on c.minute = m.minute
     order by f.flow_slug, m.minute;
end;
$$;

comment on function pgflow.metrics_throughput(integer) is
  'tasks completed per minute over the last minutes (default 60), per flow the caller may read';

-- changed in 0.2.11 (sql/0814_function_metrics_task_durations.sql)
-- metrics_task_durations( minutes )
-- Tasks that finished in the last minutes (default 60, at most 1440), per
-- flow the caller may read: how many completed and failed (a failed task has
-- used up its attempts), the failure rate (failed / finished; null when none
-- finished) and the median and 95th percentile of the time from start to
-- completion of the completed ones, in seconds (null when none completed).
-- One row per flow. Reads step_tasks_completed_idx and step_tasks_failed_idx
-- only (index-only), one flow at a time. An invoker function, read through row-level security like
-- metrics_runs.
create or replace function pgflow.metrics_task_durations(minutes integer default 60)
returns table (flow_slug text, completed bigint, failed bigint, failure_rate double precision,
               duration_p50_seconds double precision, duration_p95_seconds double precision)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_task_durations.minutes);
  return query
    select f.flow_slug, d.completed, e.failed,
           case when d.completed + e.failed > 0 then e.failed::double precision / (d.completed + e.failed) end,
           d.p50, d.p95
      from pgflow.flows as f
     cross join lateral (
            select count(*) as completed,
                   percentile_cont(0.5) within group (order by t.completed_at - t.started_at) as p50i,
                   percentile_cont(0.95) within group (order by t.completed_at - t.started_at) as p95i
              from pgflow.step_tasks as t
             where t.flow_slug = f.flow_slug and t.status collate "C" = 'completed' and t.completed_at >= v_since) as d0
     cross join lateral (select d0.completed, extract(epoch from d0.p50i)::double precision as p50,
                                extract(epoch from d0.p95i)::double precision as p95) as d
     cross join lateral (
            select count(*) as failed
              from pgflow.step_tasks as t
             where t.flow_slug = f.flow_slug and t.status collate "C" = 'failed' and t.failed_at >= v_since) as e
     order by f.flow_slug;
end;
$$;

comment on function pgflow.metrics_task_durations(integer) is
  'tasks finished in the last minutes per flow: completed, failed, failure rate, duration p50 and p95';

-- The grants pgflow.grants records, given again: functions made again above
-- lost theirs, and new ones (_metrics_since, which the metrics functions call
-- as the client) go to the roles their helper now gives them to.
do $upgrade$
declare
  v_role  regrole;
  v_flows text[];
  v_every boolean;
begin
  for v_role, v_flows in
    select g.role, array_agg(g.flow_slug order by g.flow_slug) from pgflow.grants as g
     where g.kind = 'worker' and g.flow_slug is not null group by g.role order by g.role::text
  loop
    perform pgflow.grant_worker(v_role, v_flows);
  end loop;
  for v_role, v_flows, v_every in
    select g.role, array_agg(g.flow_slug order by g.flow_slug) filter (where g.flow_slug is not null),
           bool_or(g.flow_slug is null)
      from pgflow.grants as g where g.kind = 'client' group by g.role order by g.role::text
  loop
    perform pgflow.grant_client(v_role, case when v_every then null else v_flows end);
  end loop;
  for v_role in select distinct g.role from pgflow.grants as g where g.kind = 'admin' order by 1 loop
    perform pgflow.grant_admin(v_role);
  end loop;
end;
$upgrade$;

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
-- every function of pgflow. get_run_with_states and start_flow_with_states
-- stay invoker functions: their callers read the tables they were granted,
-- through row-level security.
revoke all on all functions in schema pgflow from public;

-- The pure helpers stay public: they read nothing. (Schema pgflow itself is
-- not usable by PUBLIC.)
grant execute on function pgflow.is_valid_slug(text), pgflow.calculate_retry_delay(numeric, integer) to public;
