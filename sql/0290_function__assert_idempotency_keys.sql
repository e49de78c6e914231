
-- _assert_idempotency_keys( flow_slug, keys )
-- Checks the idempotency keys that start_flow, start_flows and
-- start_flow_with_states were given for runs of flow flow_slug, one per
-- input: null (no key) or 1 to 255 characters. An empty key is an error, not
-- "no key": a caller that computes its key and gets '' has a bug, and two
-- such calls would otherwise share a run (or start two). A key cannot hold a
-- null byte: PostgreSQL's text has none. Raises invalid_parameter_value
-- naming the key (its first 100 characters) and its position.
create function pgflow._assert_idempotency_keys(flow_slug text, keys text[])
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_bad record;
begin
  select u.k, u.n into v_bad
    from unnest(_assert_idempotency_keys.keys) with ordinality as u(k, n)
   where u.k = '' or length(u.k) > 255
   order by u.n
   limit 1;
  if found then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = case when v_bad.k = ''
                  then format('idempotency key %s of a run of flow "%s" must not be empty',
                              v_bad.n, left(_assert_idempotency_keys.flow_slug, 200))
                  else format('idempotency key %s of a run of flow "%s" is %s characters long, at most 255: "%s..."',
                              v_bad.n, left(_assert_idempotency_keys.flow_slug, 200), length(v_bad.k), left(v_bad.k, 100))
                end,
      hint    = 'An idempotency key is 1 to 255 characters (such as an order number); pass null for no key.';
  end if;
end;
$$;
