-- _events_wanted() lets the hot path skip building events when _emit_event
-- could send nothing: false only when pgflow.notify is auto with no live
-- subscription, or off, and realtime.send does not exist. Anything else,
-- including a bad pgflow.notify, is true, so _emit_event still runs and
-- reports the bad value.
begin;
select plan(13);

delete from pgflow.subscriptions;
reset pgflow.notify;
select is(pgflow._events_wanted(), false, 'auto with no subscription: nothing to send');

insert into pgflow.subscriptions (channel, expires_at) values ('some_flow', clock_timestamp() + interval '1 minute');
select is(pgflow._events_wanted(), true, 'auto with a live subscription to any channel: events wanted');
update pgflow.subscriptions set expires_at = clock_timestamp() - interval '1 second';
select is(pgflow._events_wanted(), false, 'an expired subscription is as good as none');

set local pgflow.notify = 'on';
select is(pgflow._events_wanted(), true, 'on: always wanted');
set local pgflow.notify = 'TRUE';
select is(pgflow._events_wanted(), true, 'true (any case): always wanted');
set local pgflow.notify = '1';
select is(pgflow._events_wanted(), true, '1: always wanted');
set local pgflow.notify = 'off';
select is(pgflow._events_wanted(), false, 'off: none');
set local pgflow.notify = '0';
select is(pgflow._events_wanted(), false, '0: none');

set local pgflow.notify = 'loud';
select is(pgflow._events_wanted(), true, 'a bad value counts as wanted');
select pgflow.create_flow('ew_flow');
select pgflow.add_step('ew_flow', 'a');
select throws_ok($$ select pgflow.start_flow('ew_flow', '{}') $$, '22023', 'invalid value for pgflow.notify: "loud"',
  'so start_flow still reports the bad value');

set local pgflow.notify = 'off';
create schema realtime;
create function realtime.send(payload jsonb, event text, topic text, private boolean) returns void
  language sql as $$ select $$;
select is(pgflow._events_wanted(), true, 'off, but realtime.send exists: wanted (it gets every event)');

select ok((select proconfig @> array['enable_seqscan=on'] from pg_proc
            where oid = 'pgflow._events_wanted()'::regprocedure),
  'it reads the few subscriptions with a sequential scan, even under the hot path''s settings');
select is((select has_function_privilege('public', 'pgflow._events_wanted()', 'execute')), false,
  'internal: not executable by PUBLIC');

select * from finish();
rollback;
