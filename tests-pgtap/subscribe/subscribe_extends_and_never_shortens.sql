-- subscribe(channel, ttl) records a subscription until now + ttl and returns
-- that time; listeners of one channel share a row, which lasts as long as the
-- latest of them asked.
begin;
select plan(6);

select pgflow.create_flow('sub_flow');

select cmp_ok(pgflow.subscribe('sub_flow'), '>', clock_timestamp() + interval '110 seconds',
  'the default ttl is two minutes');
select cmp_ok(pgflow.subscribe('sub_flow'), '<=', clock_timestamp() + interval '2 minutes',
  'and no more');
select cmp_ok(pgflow.subscribe('sub_flow', interval '1 hour'), '>', clock_timestamp() + interval '59 minutes',
  'a longer ttl extends the subscription');
select cmp_ok(pgflow.subscribe('sub_flow', interval '1 second'), '>', clock_timestamp() + interval '59 minutes',
  'a shorter one does not shorten it');
select is((select count(*)::integer from pgflow.subscriptions where channel = 'sub_flow'), 1,
  'one row per channel');
select isnt(pgflow.subscribe('pgflow_events', interval '1 minute'), null,
  'pgflow_events is a channel one can subscribe to without a flow of that name');

select * from finish();
rollback;
