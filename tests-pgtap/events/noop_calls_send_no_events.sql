begin;
select plan(3);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_noop', max_attempts => 1);
select pgflow.add_step('ev_noop', 'a');
select pgflow.add_step('ev_noop', 'b');
select pgflow.add_step('ev_noop', 'c');
select run_id as rid from pgflow.start_flow('ev_noop', '{}') \gset
select pgflow_tests.read_and_start('ev_noop');
select pgflow.complete_task(:'rid', 'a', 0, '{}');
select count(*) as n from realtime.sent \gset

select pgflow.complete_task(:'rid', 'a', 0, '{}');
select is((select count(*) from realtime.sent), :'n'::bigint, 'completing a task again sends nothing');
select pgflow.fail_task(:'rid', 'b', 0, 'down');
select count(*) as n from realtime.sent \gset
select pgflow.complete_task(:'rid', 'c', 0, '{}');
select pgflow.fail_task(:'rid', 'c', 0, 'late');
select is((select count(*) from realtime.sent), :'n'::bigint, 'calls on a failed run send nothing');
select is((select count(*)::integer from realtime.sent where event = 'run:failed'), 1, 'run:failed is sent once');

select * from finish();
rollback;
