begin;
select plan(2);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_map_type');
select pgflow.add_step('ev_map_type', 'd');
select pgflow.add_step('ev_map_type', 'm', array['d'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ev_map_type', '{}') \gset
select pgflow_tests.read_and_start('ev_map_type');
select pgflow.complete_task(:'rid', 'd', 0, '{"not": "array"}');

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:d:started'), ('step:d:failed'), ('run:failed') $$,
  'd, whose output the map cannot map over, fails, and the run with it');
select ok((select bool_and(payload ->> 'error_message' = '[TYPE_VIOLATION] map step "m" needs an array, but step "d" output object')
             from realtime.sent where event in ('step:d:failed', 'run:failed')),
  'both failure events carry the error message');

select * from finish();
rollback;
