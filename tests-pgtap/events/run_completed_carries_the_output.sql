begin;
select plan(3);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_output');
select pgflow.add_step('ev_output', 'a');
select pgflow.add_step('ev_output', 'b', array['a']);
select pgflow.add_step('ev_output', 'c', array['a']);
select run_id as rid from pgflow.start_flow('ev_output', '{}') \gset
select pgflow_tests.drive('ev_output', '{"a": 1, "b": {"bb": true}, "c": "cc"}');

select is((select payload -> 'output' from realtime.sent where event = 'run:completed'),
  '{"b": {"bb": true}, "c": "cc"}'::jsonb, 'run:completed carries the run''s output (leaf steps)');
select is((select payload - 'output' - 'completed_at' from realtime.sent where event = 'run:completed'),
  jsonb_build_object('event_type', 'run:completed', 'run_id', :'rid', 'flow_slug', 'ev_output', 'status', 'completed'),
  'and event_type, run, flow and status');
select is((select (payload ->> 'completed_at')::timestamptz from realtime.sent where event = 'run:completed'),
  (select completed_at from pgflow.runs where run_id = :'rid'), 'and the run''s completed_at');

select * from finish();
rollback;
