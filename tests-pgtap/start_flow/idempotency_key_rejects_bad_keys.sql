begin;
select plan(5);

-- An idempotency key is 1 to 255 characters; an empty or longer one is an
-- error that starts nothing.
create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end;
$$;
select pgflow.create_flow('sf_idem_bad');
select pgflow.add_step('sf_idem_bad', 'a');

select throws_ok($$ select pgflow.start_flow('sf_idem_bad', '{}', idempotency_key => '') $$,
  '22023', 'idempotency key 1 of a run of flow "sf_idem_bad" must not be empty', 'an empty key is an error');
select throws_ok($$ select pgflow.start_flow('sf_idem_bad', '{}', idempotency_key => repeat('k', 256)) $$,
  '22023', format('idempotency key 1 of a run of flow "sf_idem_bad" is 256 characters long, at most 255: "%s..."',
                  repeat('k', 100)),
  'a key of 256 characters is an error');
select is(pg_temp.hint_of($$ select pgflow.start_flow('sf_idem_bad', '{}', idempotency_key => '') $$),
  'An idempotency key is 1 to 255 characters (such as an order number); pass null for no key.', 'with a hint');
select is_empty($$ select from pgflow.runs where flow_slug = 'sf_idem_bad' $$, 'nothing started');
select is((select length(idempotency_key) from pgflow.start_flow('sf_idem_bad', '{}', idempotency_key => repeat('k', 255))),
  255, 'a key of 255 characters starts a run');

select * from finish();
rollback;
