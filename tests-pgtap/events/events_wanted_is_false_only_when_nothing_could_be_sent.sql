-- _events_wanted() lets the hot path skip building events when _emit_event
-- could send nothing: false only when pgflow.notify is auto with no live
-- subscription, or off, and realtime.send does not exist. Anything else,
-- including a bad pgflow.notify, is true, so _emit_event still runs and
-- reports the bad value.
begin;
select plan(14);

delete from pgflow.subscriptions;
reset pgflow.notify;
select is(pgflow._events_wanted(), false, 'auto with no subscription: nothing to send');

insert into pgflow.subscriptions (channel, expires_at) values ('some_flow', clock_timestamp() + interval '1 minute');
select is(pgflow._events_wanted(), true, 'auto with a live subscription to any channel: events wanted');
update pgflow.subscriptions set expires_at = clock_timestamp() - interval '1 second';
select is(pgflow._events_wanted(), false, 'an expired subscription is as good as none');

-- Each value in turn (set_config runs before _events_wanted in each row).
select is(w.wanted, m.expected, format('pgflow.notify = %s: %s', m.mode, m.why))
  from (values ('on', true, 'always wanted'), ('TRUE', true, 'always wanted, any case'),
               ('1', true, 'always wanted'), ('off', false, 'none'), ('0', false, 'none'),
               ('loud', true, 'a bad value counts as wanted')) as m(mode, expected, why)
 cross join lateral (select set_config('pgflow.notify', m.mode, true) as mode) as c
 cross join lateral (select pgflow._events_wanted() as wanted where c.mode is not null) as w;

select pgflow.create_flow('ew_flow');
select pgflow.add_step('ew_flow', 'a');
select throws_ok($$ select pgflow.start_flow('ew_flow', '{}') $$, '22023', 'invalid value for pgflow.notify: "loud"',
  'so start_flow still reports the bad value');

set local pgflow.notify = 'off';
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create function realtime.send(payload jsonb, event text, topic text, private boolean) returns void
  language sql as $$ select $$;
select is(pgflow._events_wanted(), true, 'off, but realtime.send exists: wanted (it gets every event)');

select ok((select proconfig @> array['enable_seqscan=on'] from pg_proc
            where oid = 'pgflow._events_wanted()'::regprocedure),
  'it reads the few subscriptions with a sequential scan, even under the hot path''s settings');
select is((select l.lanname::text from pg_proc as p join pg_language as l on l.oid = p.prolang
            where p.oid = 'pgflow._events_wanted()'::regprocedure), 'plpgsql',
  'PL/pgSQL, whose plans last the session (a SQL function with a SET clause is planned in every transaction)');
select is((select has_function_privilege('public', 'pgflow._events_wanted()', 'execute')), false,
  'internal: not executable by PUBLIC');

select * from finish();
rollback;
