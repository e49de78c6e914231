-- subscribe() errors: SQLSTATE, a message naming the bad value, a hint, and
-- no subscription left behind.
begin;
select plan(11);

select pgflow.create_flow('sub_bad');
select pgflow.add_step('sub_bad', 'a');

select throws_ok($$ select pgflow.subscribe(null) $$, '22004', 'channel and ttl must not be null',
  'a null channel is refused');
select throws_ok($$ select pgflow.subscribe('sub_bad', null) $$, '22004', 'channel and ttl must not be null',
  'a null ttl is refused');
select throws_ok($$ select pgflow.subscribe('no_such_flow') $$, '42704', 'flow "no_such_flow" does not exist',
  'a channel that is neither pgflow_events nor a flow is refused');
select throws_ok($$ select pgflow.subscribe('sub_bad''; drop table pgflow.runs; --') $$, '42704',
  'flow "sub_bad''; drop table pgflow.runs; --" does not exist',
  'a hostile channel name is only a name');
select throws_ok($$ select pgflow.subscribe('sub_bad', interval '0') $$, '22023', 'ttl 00:00:00 is out of range',
  'a zero ttl is refused');
select throws_ok($$ select pgflow.subscribe('sub_bad', interval '-1 minute') $$, '22023',
  'ttl -00:01:00 is out of range', 'a negative ttl is refused');
select throws_ok($$ select pgflow.subscribe('sub_bad', interval '2 days') $$, '22023', 'ttl 2 days is out of range',
  'a ttl over a day is refused');
select is((select count(*)::integer from pgflow.subscriptions where channel = 'sub_bad'), 0,
  'no subscription was left behind');

-- The hint says what to do.
create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;
select alike(pg_temp.hint_of($$ select pgflow.subscribe('nope') $$), '%pgflow_events%', 'unknown channel: the hint names the channels');
select alike(pg_temp.hint_of($$ select pgflow.subscribe('sub_bad', interval '0') $$), '%renew%', 'bad ttl: the hint says to renew');

-- A bad pgflow.notify value is an error where events are sent, not silence.
set local pgflow.notify = 'sometimes';
select throws_ok($$ select pgflow.start_flow('sub_bad', '{}') $$, '22023', 'invalid value for pgflow.notify: "sometimes"',
  'an invalid pgflow.notify value is reported');

select * from finish();
rollback;
