begin;
select plan(2);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_retry', max_attempts => 3, base_delay => 0);
select pgflow.add_step('ev_retry', 'a');
select run_id as rid from pgflow.start_flow('ev_retry', '{}') \gset
select pgflow_tests.read_and_start('ev_retry');
select count(*) as before from realtime.sent \gset
select pgflow.fail_task(:'rid', 'a', 0, 'try again');
select pgflow_tests.read_and_start('ev_retry');
select pgflow.fail_task(:'rid', 'a', 0, 'try again');

select is((select count(*) from realtime.sent), :'before'::bigint, 'failures with attempts left send no event');
select pgflow_tests.read_and_start('ev_retry');
select pgflow.complete_task(:'rid', 'a', 0, '{}');
select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:a:started'), ('step:a:completed'), ('run:completed') $$,
  'a run that succeeded after retries shows no failure and no second start');

select * from finish();
rollback;
