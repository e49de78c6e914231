begin;
select plan(2);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_empty_map');
select pgflow.add_step('ev_empty_map', 'm', step_type => 'map');
select run_id as rid from pgflow.start_flow('ev_empty_map', '[]') \gset

select is((select payload -> 'output' from realtime.sent where event = 'step:m:completed'), '[]'::jsonb,
  'a map over [] sends step:completed with []');
select is((select payload -> 'output' from realtime.sent where event = 'run:completed'), '{"m": []}'::jsonb,
  'and run:completed with {"m": []}');

select * from finish();
rollback;
