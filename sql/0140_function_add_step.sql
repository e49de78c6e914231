
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
create function pgflow.add_step(
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
