
-- create_flow( flow_slug, max_attempts, base_delay, timeout )
-- Defines a flow and creates its pgmq queue (named after the flow).
-- Flows are immutable: calling it again with the same options returns the
-- existing flow and changes nothing; other options under the same slug are an
-- error that names each difference. A new flow never takes over a pgmq queue
-- that exists already (another application's, or one a dropped pgflow left
-- behind): pgmq.create would adopt it silently, and delete_flow_and_data
-- would later drop it with its messages.
create function pgflow.create_flow(
  flow_slug    text,
  max_attempts integer default 3,
  base_delay   integer default 1,
  timeout      integer default 60
)
returns pgflow.flows
language plpgsql
volatile
security definer
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
      message = format('flow slug "%s" is longer than 47 characters', left(create_flow.flow_slug, 200)),
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
    if exists (select from pgmq.meta as m where lower(m.queue_name) = lower(create_flow.flow_slug))
       or to_regclass(format('pgmq.%I', 'q_' || lower(create_flow.flow_slug))) is not null then
      raise exception using
        errcode = 'duplicate_object',
        message = format('pgmq queue "%s" exists already and is not a pgflow flow''s', create_flow.flow_slug),
        hint    = 'A flow''s queue is named after it: choose another slug, or drop the queue with pgmq.drop_queue() if nothing else uses it.';
    end if;
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
