begin;
select plan(3);

-- pgflow.realtime is off or on; anything else is reported, not taken for off.
set local pgflow.realtime = 'loud';
select throws_ok($$ select pgflow._realtime_send() $$, '22023', 'invalid value for pgflow.realtime: "loud"',
  'a bad value is an error naming it');
select pgflow.create_flow('rt_bad');
select pgflow.add_step('rt_bad', 'a');
select throws_ok($$ select pgflow.start_flow('rt_bad', '{}') $$, '22023', 'invalid value for pgflow.realtime: "loud"',
  'so start_flow reports it too');
set local pgflow.realtime = 'off';
select is(pgflow._realtime_send(), null, 'off: no realtime delivery');

select * from finish();
rollback;
