begin;
select plan(4);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_failure', max_attempts => 1);
select pgflow.add_step('ev_failure', 'a');
select run_id as rid from pgflow.start_flow('ev_failure', '{}') \gset
select pgflow_tests.read_and_start('ev_failure');
select pgflow.fail_task(:'rid', 'a', 0, 'disk full');

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:a:started'), ('step:a:failed'), ('run:failed') $$,
  'the last failure sends step:<slug>:failed, then run:failed');
select is((select payload - 'failed_at' - 'started_at' from realtime.sent where event = 'step:a:failed'),
  jsonb_build_object('event_type', 'step:failed', 'run_id', :'rid', 'flow_slug', 'ev_failure',
                     'step_slug', 'a', 'status', 'failed', 'error_message', 'disk full', 'failure', 'exhausted'),
  'step:failed carries the error message, and why (its attempts ran out)');
select is((select payload - 'failed_at' from realtime.sent where event = 'run:failed'),
  jsonb_build_object('event_type', 'run:failed', 'run_id', :'rid', 'flow_slug', 'ev_failure',
                     'status', 'failed', 'error_message', 'disk full'),
  'so does run:failed');
select is((select (payload ->> 'failed_at')::timestamptz from realtime.sent where event = 'run:failed'),
  (select failed_at from pgflow.runs where run_id = :'rid'), 'with the run''s failed_at');

select * from finish();
rollback;
