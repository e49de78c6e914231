
-- _assert_slug( kind, slug )
-- Raises invalid_parameter_value unless slug is a valid slug; kind ('flow' or
-- 'step') names it in the message. A flow may not be called pgflow_events
-- (0.2.7): a flow's events go to the channel named after it, and
-- pgflow_events is the channel of every flow's events. A flow of that name
-- made before 0.2.7 stays and runs, but create_flow, add_step and
-- ensure_flow refuse its name.
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
  if kind = 'flow' and slug = 'pgflow_events' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = 'flow slug "pgflow_events" is reserved',
      hint    = 'pgflow_events is the channel of every flow''s events, and a flow''s own go to the channel named after it; choose another slug.';
  end if;
  if not pgflow.is_valid_slug(slug) then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid %s slug "%s"', kind, left(slug, 200)),
      hint    = 'Slugs match ^[a-zA-Z_][a-zA-Z0-9_]*$ and are at most 128 characters.';
  end if;
end;
$$;
