\echo Use "ALTER EXTENSION pgflow UPDATE TO '0.2.10'" to load this file. \quit
-- Changes between pgflow 0.2.9 and 0.2.10 (CHANGELOG.md says what and why):
--  - the per-task protocol and the cascade made cheaper, linear costs for big
--    flows and maps;
--  - pgflow.distribute() for a Citus coordinator, and the functions outside
--    the hot path written so that Citus can run them;
--  - uninstall() goes on when pg_cron's database cannot be reached.
-- Functions whose signature stays are replaced (create or replace keeps
-- owner and grants); those whose signature changed are dropped first and
-- made again.

-- _settle_completed_steps returns one more OUT column (finished): dropped
-- here, made again below.
drop function pgflow._settle_completed_steps(uuid[], text[], boolean);

-- changed in 0.2.10 (sql/0140_function_add_step.sql)
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

  if exists (select from pgflow.runs as r where r.flow_slug = add_step.flow_slug) then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" already has runs; step "%s" cannot be added', add_step.flow_slug, add_step.step_slug),
      hint    = 'A flow''s shape is frozen once it has run: define the new shape under a new flow slug.';
  end if;

  insert into pgflow.steps (flow_slug, step_slug, step_type, step_index, deps_count,
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

-- changed in 0.2.10 (sql/0150_function__flow_shape.sql)
-- _step_shape( step )
-- The canonical shape of one step, the element of _flow_shape's "steps":
-- its slug, step type, dependencies (sorted) and condition (run_if,
-- run_unless, and when_unmet where there is a condition). Options
-- (max_attempts, base_delay, timeout, start_delay) are not part of the
-- shape. The per-step object is built here and only here: a new part of a
-- step's definition is one more key below (keys whose value is JSON null are
-- left out, so that a step without it keeps its shape), plus its name in
-- _normalize_shape.
create or replace function pgflow._step_shape(step pgflow.steps)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_object_agg(e.key, e.value)
    from jsonb_each(jsonb_build_object(
           'slug', (_step_shape.step).step_slug,
           'type', (_step_shape.step).step_type,
           'deps', to_jsonb(array(select d.dep_slug
                                     from pgflow.deps as d
                                    where d.flow_slug = (_step_shape.step).flow_slug
                                      and d.step_slug = (_step_shape.step).step_slug
                                    order by d.dep_slug)),
           'run_if', (_step_shape.step).run_if,
           'run_unless', (_step_shape.step).run_unless,
           -- when_unmet matters only with a condition
           'when_unmet', case when (_step_shape.step).run_if is not null or (_step_shape.step).run_unless is not null
                              then to_jsonb((_step_shape.step).when_unmet) end)) as e
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
  select jsonb_build_object('steps', coalesce(jsonb_agg(pgflow._step_shape(s) order by s.step_index), '[]'::jsonb))
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
                || pgflow._step_shape(_append_shape_hash.step)::text || ']}';
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

-- changed in 0.2.10 (sql/0230_function__settle_completed_steps.sql)
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
create or replace function pgflow._settle_completed_steps(run_ids uuid[], step_slugs text[], start_ready boolean,
                                               out failed uuid[], out ready pgflow.step_states[],
                                               out finished uuid[])
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

-- changed in 0.2.10 (sql/0240_function__queue_ready_steps.sql)
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
    -- tasks in the order they were sent.
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
                                              where m.vt <= clock_timestamp()
                                              order by m.vt limit 8) as v
                                 where v.headers @> '{"announced": true}')
      $sql$,
      'q_' || lower(v_flow))
      into v_ids, v_idle
      using v_flow, v_r, v_s, v_i, v_delay, case when v_told then '{"announced": true}'::jsonb end, v_told;
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

-- changed in 0.2.10 (sql/0250_function__cascade.sql)
-- _cascade( run_ids, flow_slugs, done_runs, done_steps, started )
-- Drives runs forward, any number at once (runs of the flows flow_slugs):
-- after steps completed (step done_steps[i] of run done_runs[i]), or, with no
-- steps, after the runs started or resumed. started: steps the caller marked
-- started already (_start_runs' roots), whose tasks are to be queued. It settles the completed steps, skips the ready steps
-- whose condition is not met (_apply_conditions, for flows with conditions),
-- queues the steps that became ready, completes at once the maps over empty
-- arrays and the started signal steps whose signal came (which may make
-- more steps ready: hence the loop), and completes the
-- runs with nothing left. Each stage is one statement for all the runs, so a
-- batch of tasks (complete_tasks) or of runs (start_flows) pays it once. A run
-- that fails on the way (a map over no array, an unmet 'fail' condition) is
-- driven no further. The caller holds the runs' locks.
--
-- After completions (done_runs given) in flows without conditions, the
-- stages that cannot find anything are skipped, so that one complete_task
-- pays for what its completion changed: _settle_completed_steps starts the
-- dependents that became ready itself, so _queue_ready_steps runs only when
-- it started some; the update for empty maps and signals runs only for
-- flows with dependent map steps or signal steps; and only the runs whose
-- remaining_steps reached 0 are looked at for completion.
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
  v_signals     boolean;                        -- flows with signal steps: a started one may have its signal waiting
  v_maps        boolean;                        -- flows with dependent map steps: one may map over []
  -- only completions to settle, no conditions: see "After completions" above
  v_lean        boolean := coalesce(cardinality(_cascade.done_runs), 0) > 0 and cardinality(v_conditions) = 0;
  v_finished    uuid[] := '{}'::uuid[];         -- (lean) the runs whose remaining_steps reached 0
  v_done        uuid[];
begin
  select coalesce(bool_or(s.step_type = 'signal'), false), coalesce(bool_or(s.step_type = 'map' and s.deps_count > 0), false)
    into v_signals, v_maps
    from pgflow.steps as s
   where s.flow_slug = any(_cascade.flow_slugs) and s.step_type in ('signal', 'map');

  loop
    if cardinality(v_done_runs) > 0 then
      -- Without conditions, the steps made ready are marked started right away.
      select st.failed, st.ready, st.finished into v_failed, v_settled, v_done
        from pgflow._settle_completed_steps(v_done_runs, v_done_steps, cardinality(v_conditions) = 0) as st;
      v_ready := v_ready || v_settled;
      v_finished := v_finished || v_done;
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

    if not v_lean or coalesce(cardinality(v_ready), 0) > 0 then
      perform pgflow._queue_ready_steps(v_active, v_ready);
    end if;
    v_ready := null;

    exit when v_lean and not v_signals and not v_maps;

    with empty as (
      update pgflow.step_states as ss
         set status = 'completed', started_at = now(), completed_at = now(),
             remaining_tasks = 0, output = '[]'::jsonb
       where ss.run_id = any(v_active)
         and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks = 0
      returning ss.run_id, ss.step_slug
    ), signalled as (
      -- a signal step that started (now or earlier) and whose signal came
      -- (send_signal keeps one sent early): completed with the payload; not
      -- while its run is paused (resume_run cascades again)
      update pgflow.step_states as ss
         set status = 'completed', completed_at = now(), remaining_tasks = 0, output = sg.payload
        from pgflow.signals as sg, pgflow.runs as r
       where v_signals
         and sg.run_id = any(v_active)
         and ss.run_id = sg.run_id and ss.step_slug = sg.step_slug and ss.status = 'started'
         and r.run_id = ss.run_id and r.status = 'started'
      returning ss.run_id, ss.step_slug
    )
    select array_agg(e.run_id), array_agg(e.step_slug) into v_done_runs, v_done_steps
      from (select * from empty union all select * from signalled) as e;

    exit when v_done_runs is null;
    v_active := array(select distinct r from unnest(v_done_runs) as r);
  end loop;

  if not v_lean then
    perform pgflow._complete_runs_if_done(v_runs);
  elsif cardinality(v_finished) > 0 then
    perform pgflow._complete_runs_if_done(array(select r from unnest(v_runs) as r where r = any(v_finished)));
  end if;
end;
$$;

-- changed in 0.2.10 (sql/0350_function_cancel_run.sql)
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
  v_flow_slug text;
  v_msg_ids bigint[];
begin
  if cancel_run.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of the run to cancel (pgflow.runs.run_id).';
  end if;
  -- before the lock and before anything about the run is told: a run of a
  -- flow the caller may not use does not exist for it
  -- the flow first, then the check: on Citus a call beside the run's row
  -- would run on the run's node (docs/scaling.md)
  select r.flow_slug into v_flow_slug from pgflow.runs as r where r.run_id = cancel_run.run_id;
  perform pgflow._authorize_client(v_flow_slug, cancel_run.run_id);
  v_run := pgflow._lock_run(cancel_run.run_id);
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

-- changed in 0.2.10 (sql/0360_function_pause_run.sql)
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
  v_flow_slug text;
begin
  if pause_run.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of the run to pause (pgflow.runs.run_id).';
  end if;
  -- before the lock and before anything about the run is told: a run of a
  -- flow the caller may not use does not exist for it
  -- the flow first, then the check: on Citus a call beside the run's row
  -- would run on the run's node (docs/scaling.md)
  select r.flow_slug into v_flow_slug from pgflow.runs as r where r.run_id = pause_run.run_id;
  perform pgflow._authorize_client(v_flow_slug, pause_run.run_id);
  v_run := pgflow._lock_run(pause_run.run_id);
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

-- changed in 0.2.10 (sql/0370_function_resume_run.sql)
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
  v_flow_slug text;
begin
  if resume_run.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of the run to resume (pgflow.runs.run_id).';
  end if;
  -- before the lock and before anything about the run is told: a run of a
  -- flow the caller may not use does not exist for it
  -- the flow first, then the check: on Citus a call beside the run's row
  -- would run on the run's node (docs/scaling.md)
  select r.flow_slug into v_flow_slug from pgflow.runs as r where r.run_id = resume_run.run_id;
  perform pgflow._authorize_client(v_flow_slug, resume_run.run_id);
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

-- changed in 0.2.10 (sql/0390_function_send_signal.sql)
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
  v_flow_slug text;
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
  -- before the lock and before anything about the run is told: a run of a
  -- flow the caller may not use does not exist for it
  -- the flow first, then the check: on Citus a call beside the run's row
  -- would run on the run's node (docs/scaling.md)
  select r.flow_slug into v_flow_slug from pgflow.runs as r where r.run_id = send_signal.run_id;
  perform pgflow._authorize_client(v_flow_slug, send_signal.run_id);
  v_run := pgflow._lock_run(send_signal.run_id);

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

-- changed in 0.2.10 (sql/0400_function_start_tasks.sql)
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

-- changed in 0.2.10 (sql/0425_function_retry_run.sql)
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
  v_flow_slug text;
  v_r     uuid[];
  v_s     text[];
  v_i     integer[];
  v_ids   bigint[];
  v_steps text[];
begin
  if retry_run.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of the failed run to retry (pgflow.runs.run_id).';
  end if;
  -- before the lock and before anything about the run is told: a run of a
  -- flow the caller may not use does not exist for it
  -- the flow first, then the check: on Citus a call beside the run's row
  -- would run on the run's node (docs/scaling.md)
  select r.flow_slug into v_flow_slug from pgflow.runs as r where r.run_id = retry_run.run_id;
  perform pgflow._authorize_client(v_flow_slug, retry_run.run_id);
  v_run := pgflow._lock_run(retry_run.run_id);
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

-- changed in 0.2.10 (sql/0500_function_register_worker.sql)
-- register_worker( worker_id, queue_name, function_name )
-- Registers a worker process serving a flow's queue, or re-registers it (a
-- restart): started again, not stopped, heartbeat now.
create or replace function pgflow.register_worker(worker_id uuid, queue_name text, function_name text)
returns pgflow.workers
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
  v_now    timestamptz := now();
begin
  if register_worker.worker_id is null or register_worker.queue_name is null or register_worker.function_name is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'worker_id, queue_name and function_name must not be null',
      hint    = 'Name the worker (a uuid), the flow whose queue it reads and what runs it.';
  end if;
  -- the flow it will serve, and the one it served when it re-registers
  perform pgflow._authorize_worker(register_worker.queue_name);
  perform pgflow._authorize_worker(w.queue_name) from pgflow.workers as w where w.worker_id = register_worker.worker_id;
  if not exists (select from pgflow.flows as f where f.flow_slug = register_worker.queue_name) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(register_worker.queue_name, 200)),
      hint    = 'A worker reads the queue named after the flow it serves.';
  end if;

  insert into pgflow.workers as w (worker_id, queue_name, function_name)
  values (register_worker.worker_id, register_worker.queue_name, register_worker.function_name)
  on conflict on constraint workers_pkey do update
     set queue_name = excluded.queue_name,
         function_name = excluded.function_name,
         -- a variable, not now(): Citus takes no function in DO UPDATE SET
         started_at = v_now,
         stopped_at = null,
         last_heartbeat_at = v_now
  returning * into v_worker;
  return v_worker;
end;
$$;

comment on function pgflow.register_worker(uuid, text, text) is
  'registers a worker serving a flow''s queue (again after a restart)';

-- changed in 0.2.10 (sql/0520_function_stop_worker.sql)
-- stop_worker( worker_id )
-- Marks a worker stopped (once: a second call keeps the first stopped_at).
create or replace function pgflow.stop_worker(worker_id uuid)
returns pgflow.workers
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
  v_now    timestamptz := now();
begin
  if stop_worker.worker_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'worker_id must not be null',
      hint    = 'Pass the id of the worker to stop (pgflow.workers.worker_id).';
  end if;
  perform pgflow._authorize_worker(w.queue_name) from pgflow.workers as w where w.worker_id = stop_worker.worker_id;
  update pgflow.workers as w
     -- a variable, not now(): Citus takes no function in COALESCE of an UPDATE
     set stopped_at = coalesce(w.stopped_at, greatest(v_now, w.started_at))
   where w.worker_id = stop_worker.worker_id
  returning * into v_worker;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', stop_worker.worker_id),
      hint    = 'Look registered workers up in pgflow.workers.';
  end if;
  return v_worker;
end;
$$;

comment on function pgflow.stop_worker(uuid) is
  'marks a worker stopped';

-- changed in 0.2.10 (sql/0760_function_uninstall.sql)
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
  if not pg_catalog.has_function_privilege(pgflow._caller(), 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION') then
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

-- new in 0.2.10 (sql/0765_function__citus_function.sql)
-- _citus_function( name )
-- The schema-qualified name ('pg_catalog.create_reference_table') of the
-- Citus function called name, found only among the members of the citus
-- extension installed in this database, for distribute() to call through
-- EXECUTE with named arguments. A function found by name alone could be
-- anyone's (see _cron_function): here every function of that name in the
-- schema must be a member of citus, so that no overload another role made
-- can win the call. Raises feature_not_supported where citus is not
-- installed in this database or has no such function (a Citus too old).
-- Citus stays optional: pgflow installs and compiles without it.
create function pgflow._citus_function(name text)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_schema name;
  v_namespace oid;
begin
  select n.nspname, n.oid into v_schema, v_namespace
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    join pg_catalog.pg_depend as d on d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid
                                  and d.refclassid = 'pg_catalog.pg_extension'::regclass and d.deptype = 'e'
    join pg_catalog.pg_extension as e on e.oid = d.refobjid and e.extname = 'citus'
   where p.proname = _citus_function.name
   order by n.nspname = 'pg_catalog' desc, n.nspname
   limit 1;
  if v_schema is null then
    if not exists (select from pg_catalog.pg_extension as e where e.extname = 'citus') then
      raise exception using
        errcode = 'feature_not_supported',
        message = format('citus is not installed in database "%s"', pg_catalog.current_database()),
        hint    = 'Distribute pgflow on a Citus coordinator: citus in shared_preload_libraries, create extension citus, then add the worker nodes.';
    end if;
    raise exception using
      errcode = 'feature_not_supported',
      message = format('the citus extension in database "%s" has no function "%s"', pg_catalog.current_database(), _citus_function.name),
      hint    = 'pgflow.distribute() needs Citus 11 or later.';
  end if;
  -- every overload of that name in the schema belongs to citus
  if exists (select from pg_catalog.pg_proc as p
              where p.pronamespace = v_namespace and p.proname = _citus_function.name
                and not exists (select from pg_catalog.pg_depend as d
                                  join pg_catalog.pg_extension as e on e.oid = d.refobjid and e.extname = 'citus'
                                 where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid
                                   and d.refclassid = 'pg_catalog.pg_extension'::regclass and d.deptype = 'e')) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('function %I.%I has an overload that is not part of the citus extension', v_schema, _citus_function.name),
      hint    = 'Drop the function that does not belong to Citus, then call pgflow.distribute() again.';
  end if;
  return pg_catalog.format('%I.%I', v_schema, _citus_function.name);
end;
$$;

-- new in 0.2.10 (sql/0770_function_distribute.sql)
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
-- plan a generic one over distributed tables).
-- The row-level security policies (granted_flows) are made again without
-- their subquery, which Citus refuses in the policies of its tables.
-- Idempotent: a table already placed as above is left alone (changed is
-- false); a table placed otherwise is an error, and nothing changes. Citus's
-- functions are called only as members of the citus extension
-- (_citus_function). Refuses with feature_not_supported where citus is not
-- installed, and object_not_in_prerequisite_state where this database is
-- not a coordinator with worker nodes. pgflow's owner (or a superuser) calls
-- it: Citus distributes only the tables the caller owns.
create function pgflow.distribute()
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
