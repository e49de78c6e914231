
-- set_step_options( flow_slug, step_slug, max_attempts, base_delay, timeout, start_delay, inherit,
--                   when_exhausted )
-- Changes a step's options; null leaves an option as it is, and the options
-- named in inherit go back to inheriting the flow's (start_delay: to none).
-- Allowed while runs exist: a new timeout counts from the next start_tasks,
-- max_attempts and base_delay from the next fail_task, start_delay for the
-- step's tasks queued afterwards, when_exhausted ('fail', 'skip' or
-- 'skip_cascade'; not inherited: null leaves it) for the step's next failure
-- for good. Options are not part of the shape: the
-- shape and shape_hash stay as they are.
create function pgflow.set_step_options(
  flow_slug    text,
  step_slug    text,
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null,
  start_delay  integer default null,
  inherit      text[]  default '{}',
  when_exhausted text  default null
)
returns pgflow.steps
language plpgsql
volatile
security definer
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
  if set_step_options.when_exhausted not in ('fail', 'skip', 'skip_cascade') then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid when_exhausted "%s"', left(set_step_options.when_exhausted, 200)),
      hint    = 'when_exhausted is "fail" (fail the run), "skip" (skip the step) or "skip_cascade" '
                || '(skip it and everything after it); null leaves it as it is.';
  end if;
  select coalesce(i, 'NULL') into v_bad from unnest(v_inherit) as i where i is null or i <> all(c_options) limit 1;
  if v_bad is not null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('unknown option "%s" in inherit', left(v_bad, 200)),
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
      message = format('flow "%s" does not exist', left(set_step_options.flow_slug, 200)),
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
                                 else coalesce(set_step_options.start_delay, s.opt_start_delay) end,
         when_exhausted   = coalesce(set_step_options.when_exhausted, s.when_exhausted)
   where s.flow_slug = set_step_options.flow_slug and s.step_slug = set_step_options.step_slug
  returning * into v_step;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('step "%s" does not exist in flow "%s"', left(set_step_options.step_slug, 200), set_step_options.flow_slug),
      hint    = 'Look the flow''s steps up with pgflow.get_flow_shape().';
  end if;
  return v_step;
end;
$$;

comment on function pgflow.set_step_options(text, text, integer, integer, integer, integer, text[], text) is
  'changes a step''s options (null leaves one as it is, inherit resets some to the flow''s); affects tasks queued, started or failed afterwards';
