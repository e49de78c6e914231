-- subscribe(): a null channel or ttl is 22004 with a hint, before anything is
-- read or changed.
begin;
select plan(5);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select pgflow.create_flow('sub_nulls');
create temp table sub_nulls_before as select * from pgflow.subscriptions;

select throws_ok($$ select pgflow.subscribe(null, interval '1 minute') $$, '22004', 'channel and ttl must not be null',
  'channel null');
select throws_ok($$ select pgflow.subscribe('sub_nulls', null) $$, '22004', 'channel and ttl must not be null',
  'ttl null');
select throws_ok($$ select pgflow.subscribe(null, null) $$, '22004', 'channel and ttl must not be null', 'both null');
select isnt(pg_temp.hint_of($$ select pgflow.subscribe(null) $$), null, 'with a hint');
select set_eq($$ select * from pgflow.subscriptions $$, $$ select * from sub_nulls_before $$,
  'no subscription changed');

select * from finish();
rollback;
