begin;
select plan(3);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_map');
select pgflow.add_step('ev_map', 'm', step_type => 'map');
select run_id as rid from pgflow.start_flow('ev_map', '[1, 2, 3]') \gset
select pgflow_tests.drive('ev_map', '{"m": ["a", "b", "c"]}');

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:m:started'), ('step:m:completed'), ('run:completed') $$,
  'a map with three tasks starts and completes once');
select is((select payload ->> 'remaining_tasks' from realtime.sent where event = 'step:m:started'), '3',
  'step:started says how many tasks');
select is((select payload -> 'output' from realtime.sent where event = 'step:m:completed'), '["a", "b", "c"]'::jsonb,
  'step:completed carries the aggregated array');

select * from finish();
rollback;
