begin;
select plan(8);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_rt', max_attempts => 2, base_delay => 0, timeout => 60);
select pgflow.add_step('ev_rt', 'a');
select pgflow.add_step('ev_rt', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ev_rt', '{}') \gset
select pgflow_tests.read_and_start('ev_rt');
select pgflow.complete_task(:'rid', 'a', 0, '{"out": 1}');
select pgflow_tests.read_and_start('ev_rt');
select pgflow.fail_task(:'rid', 'b', 0, 'retry me');   -- a retry sends no event
select pgflow_tests.make_visible('ev_rt');
select pgflow_tests.read_and_start('ev_rt');
select pgflow.complete_task(:'rid', 'b', 0, '{"out": 2}');

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:a:started'), ('step:a:completed'), ('step:b:started'),
            ('step:b:completed'), ('run:completed') $$,
  'every state change, in order, named run:<status> or step:<slug>:<status>');
select ok((select bool_and(topic = 'pgflow:run:' || :'rid' and not private) from realtime.sent),
  'on topic pgflow:run:<run_id>');
select is((select payload - 'completed_at' - 'started_at' from realtime.sent where event = 'step:a:completed'),
  jsonb_build_object('event_type', 'step:completed', 'run_id', :'rid', 'flow_slug', 'ev_rt',
                     'step_slug', 'a', 'status', 'completed', 'output', '{"out": 1}'::jsonb),
  'a step event carries its type, run, flow, step, status and, here, the output');
select is((select payload -> 'output' from realtime.sent where event = 'run:completed'), '{"b": {"out": 2}}'::jsonb,
  'run:completed carries the run output');
select is((select payload ->> 'remaining_steps' from realtime.sent where event = 'run:started'), '2',
  'run:started says how many steps remain');

-- the failure path
select pgflow.create_flow('ev_rt_fail', max_attempts => 1, base_delay => 0, timeout => 60);
select pgflow.add_step('ev_rt_fail', 'a');
select run_id as rid2 from pgflow.start_flow('ev_rt_fail', '{}') \gset
select pgflow_tests.read_and_start('ev_rt_fail');
select pgflow.fail_task(:'rid2', 'a', 0, repeat('x', 5000));
select results_eq(format($$ select event from realtime.sent where topic = 'pgflow:run:%s' order by n $$, :'rid2'),
  $$ values ('run:started'::text), ('step:a:started'), ('step:a:failed'), ('run:failed') $$,
  'a failure sends step:<slug>:failed and run:failed');
select is((select length(payload ->> 'error_message') from realtime.sent where event = 'run:failed'), 1000,
  'error messages in events are cut to 1000 characters');
select ok((select bool_and(payload ? 'failed_at') from realtime.sent where event like '%failed'),
  'failure events say when');

select * from finish();
rollback;
