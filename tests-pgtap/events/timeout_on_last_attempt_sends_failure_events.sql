begin;
select plan(2);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_timeout', max_attempts => 1, timeout => 5);
select pgflow.add_step('ev_timeout', 'a');
select run_id as rid from pgflow.start_flow('ev_timeout', '{}') \gset
select pgflow_tests.read_and_start('ev_timeout');
select pgflow_tests.expire_lease(:'rid', 'a', 0);
select pgflow_tests.read_and_start('ev_timeout');

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:a:started'), ('step:a:failed'), ('run:failed') $$,
  'a lease that ran out on the last attempt sends step:failed and run:failed');
select is((select payload ->> 'error_message' from realtime.sent where event = 'run:failed'),
  'timed out: no result within 7 seconds, after 1 attempts', 'saying it timed out');

select * from finish();
rollback;
