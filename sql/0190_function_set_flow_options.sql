
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
security definer
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
      message = format('flow "%s" does not exist', left(set_flow_options.flow_slug, 200)),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;
  return v_flow;
end;
$$;

comment on function pgflow.set_flow_options(text, integer, integer, integer) is
  'changes a flow''s options (null leaves one as it is); affects tasks started or failed afterwards';
