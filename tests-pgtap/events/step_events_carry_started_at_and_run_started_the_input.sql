begin;
select plan(5);

-- As upstream pgflow 0.8.1's events: run:started carries the run input, step
-- events carry started_at, and an empty map's step:completed carries both
-- started_at and completed_at. pg_notify payloads carry neither inputs nor
-- outputs (NOTIFY's 8000-byte limit); realtime.send gets them.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event) values ($1, $2) $$;

select pgflow.create_flow('ev_up');
select pgflow.add_step('ev_up', 'm', step_type => 'map');
select pgflow.add_step('ev_up', 'after', array['m']);
select run_id as rid from pgflow.start_flow('ev_up', '[]') \gset
select is((select payload -> 'input' from realtime.sent where event = 'run:started'), '[]'::jsonb,
  'run:started carries the run input');
select ok((select payload ? 'started_at' and payload ? 'completed_at' from realtime.sent where event = 'step:m:completed'),
  'an empty map''s step:completed carries started_at and completed_at');
select ok((select payload ? 'started_at' from realtime.sent where event = 'step:after:started'), 'step:started carries started_at');
select pgflow_tests.read_and_start('ev_up');
select pgflow.complete_task(:'rid', 'after', 0, '1');
select ok((select payload ? 'started_at' from realtime.sent where event = 'step:after:completed'),
  'step:completed carries started_at');

-- pg_notify: no input in the message
select pgflow.subscribe('ev_up');
listen ev_up;
select pgflow.start_flow('ev_up', '["a long input would not fit NOTIFY"]');
select is((select count(*)::integer from realtime.sent where event = 'run:started'), 2, 'realtime.send got the second run too');

select * from finish();
rollback;
