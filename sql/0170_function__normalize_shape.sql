
-- _normalize_shape( shape )
-- Validates the shape argument of ensure_flow and returns it in canonical
-- form (as _flow_shape builds it), without options. The argument is
--   {"steps": [{"slug": "a", "type": "single", "deps": [],
--               "options": {"max_attempts": 5, "base_delay": 1, "timeout": 30, "start_delay": 0}},
--              ...]}
-- in the order the steps are added, each with "run_if", "run_unless" and
-- "when_unmet" where it has a condition. "type" defaults to "single", "deps"
-- to [] (and is sorted), "when_unmet" to "skip" (with a condition), "options" to {} (each option left out inherits the
-- flow's); a key whose value is null counts as left out. Options are never
-- part of the shape. Anything else is invalid_parameter_value naming it.
create function pgflow._normalize_shape(shape jsonb)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  c_step_keys   constant text[] := array['slug', 'type', 'deps', 'run_if', 'run_unless', 'when_unmet', 'options'];
  c_option_keys constant text[] := array['max_attempts', 'base_delay', 'timeout', 'start_delay', 'when_exhausted'];
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
      message = format('shape has an unknown key "%s"', left(v_bad, 200)),
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
        message = format('%s needs a string "slug", got %s', v_where, coalesce(left((v_step -> 'slug')::text, 200), 'none')),
        hint    = 'Each step is {"slug": ..., "type": ..., "deps": [...], "options": {...}}.';
    end if;
    v_where := format('step "%s" of the shape', left(v_step ->> 'slug', 200));
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
        message = format('%s has an unknown key "%s"', v_where, left(v_bad, 200)),
        hint    = format('A step has the keys %s.', array_to_string(c_step_keys, ', '));
    end if;
    v_step := v_step || jsonb_build_object('type', coalesce(v_step -> 'type', '"single"'));
    if jsonb_typeof(v_step -> 'type') <> 'string' or v_step ->> 'type' not in ('single', 'map', 'signal') then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has an unknown type %s', v_where, left((v_step -> 'type')::text, 200)),
        hint    = 'type is "single" (one task), "map" (one task per array element) or "signal" (no task).';
    end if;
    v_value := coalesce(v_step -> 'deps', '[]');
    if jsonb_typeof(v_value) <> 'array'
       or exists (select from jsonb_array_elements(v_value) as d where jsonb_typeof(d) <> 'string') then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has deps %s; deps is an array of step slugs', v_where, left(v_value::text, 200)),
        hint    = 'List the slugs of the steps it waits for, such as ["a", "b"].';
    end if;
    v_step := v_step || jsonb_build_object('deps',
      coalesce((select jsonb_agg(d order by d) from jsonb_array_elements_text(v_value) as d), '[]'));
    -- A condition: patterns are objects (add_step checks their keys); when_unmet
    -- defaults to skip where there is a condition and means nothing without one.
    select k into v_bad from unnest(array['run_if', 'run_unless']) as k
     where v_step ? k and jsonb_typeof(v_step -> k) <> 'object' limit 1;
    if v_bad is not null then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has %s %s; a condition is a JSON object', v_where, v_bad, left((v_step -> v_bad)::text, 200)),
        hint    = 'run_if / run_unless are patterns such as {"run": {"tier": "gold"}}, tested with @> against the step''s input.';
    end if;
    if v_step ? 'when_unmet' and (jsonb_typeof(v_step -> 'when_unmet') <> 'string'
                                  or v_step ->> 'when_unmet' not in ('skip', 'skip_cascade', 'fail')) then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has an unknown when_unmet %s', v_where, left((v_step -> 'when_unmet')::text, 200)),
        hint    = 'when_unmet is "skip", "skip_cascade" or "fail".';
    end if;
    if v_step ? 'run_if' or v_step ? 'run_unless' then
      v_step := v_step || jsonb_build_object('when_unmet', coalesce(v_step -> 'when_unmet', '"skip"'));
    else
      v_step := v_step - 'when_unmet';
    end if;
    v_value := coalesce(v_step -> 'options', '{}');
    if jsonb_typeof(v_value) <> 'object' then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has options %s; options is an object', v_where, left(v_value::text, 200)),
        hint    = format('Options are %s.', array_to_string(c_option_keys, ', '));
    end if;
    select k into v_bad from jsonb_object_keys(v_value) as k where k <> all(c_option_keys) order by k limit 1;
    if v_bad is not null then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has an unknown option "%s"', v_where, left(v_bad, 200)),
        hint    = format('Options are %s.', array_to_string(c_option_keys, ', '));
    end if;
    -- when_exhausted is the one option that is a word (add_step checks it too)
    if v_value ? 'when_exhausted' and (jsonb_typeof(v_value -> 'when_exhausted') <> 'string'
                                       or v_value ->> 'when_exhausted' not in ('fail', 'skip', 'skip_cascade')) then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has an unknown when_exhausted %s', v_where, left((v_value -> 'when_exhausted')::text, 200)),
        hint    = 'when_exhausted is "fail", "skip" or "skip_cascade".';
    end if;
    select o.key into v_bad
      from jsonb_each(v_value - 'when_exhausted') as o
     where jsonb_typeof(o.value) <> 'number'
        or o.value::text::numeric <> trunc(o.value::text::numeric)
        or o.value::text::numeric not between -2147483648 and 2147483647
     order by o.key
     limit 1;
    if v_bad is not null then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s has option %s = %s; options are integers', v_where, left(v_bad, 200), left((v_value -> v_bad)::text, 200)),
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
