begin;
select plan(4);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_fields');
select pgflow.add_step('ev_fields', 'a');
select run_id as rid from pgflow.start_flow('ev_fields', '{}') \gset
select pgflow_tests.read_and_start('ev_fields');
select pgflow.complete_task(:'rid', 'a', 0, '{"v": 1}');

select is((select payload - 'started_at' from realtime.sent where event = 'step:a:started'),
  jsonb_build_object('event_type', 'step:started', 'run_id', :'rid', 'flow_slug', 'ev_fields',
                     'step_slug', 'a', 'status', 'started', 'remaining_tasks', 1),
  'step:started carries event_type, run, flow, step, status and remaining_tasks');
select ok((select (payload ->> 'started_at')::timestamptz = now() from realtime.sent where event = 'step:a:started'),
  'and started_at');
select is((select payload - 'completed_at' - 'started_at' from realtime.sent where event = 'step:a:completed'),
  jsonb_build_object('event_type', 'step:completed', 'run_id', :'rid', 'flow_slug', 'ev_fields',
                     'step_slug', 'a', 'status', 'completed', 'output', '{"v": 1}'::jsonb),
  'step:completed carries the step''s output');
select is((select payload - 'started_at' from realtime.sent where event = 'run:started'),
  jsonb_build_object('event_type', 'run:started', 'run_id', :'rid', 'flow_slug', 'ev_fields',
                     'status', 'started', 'remaining_steps', 1, 'input', '{}'::jsonb),
  'run:started has no step_slug, and carries the run input (as upstream''s does)');

select * from finish();
rollback;
