
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
