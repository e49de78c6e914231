begin;
select plan(4);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('cd_ev');
select pgflow.add_step('cd_ev', 'a', run_if => '{"run": {"go": true}}', when_unmet => 'skip_cascade');
select pgflow.add_step('cd_ev', 'b', array['a']);
select run_id as rid from pgflow.start_flow('cd_ev', '{"go": false}') \gset

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:a:skipped'), ('step:b:skipped'), ('run:completed') $$,
  'one step:skipped per skipped step, in step order, then run:completed');
select is((select payload - 'skipped_at' from realtime.sent where event = 'step:a:skipped'),
  jsonb_build_object('event_type', 'step:skipped', 'run_id', :'rid'::uuid, 'flow_slug', 'cd_ev',
                     'step_slug', 'a', 'status', 'skipped', 'skip_reason', 'condition_unmet'),
  'the payload: step_slug, status, skip_reason (and skipped_at)');
select is((select (payload ->> 'skipped_at')::timestamptz from realtime.sent where event = 'step:b:skipped'),
  (select skipped_at from pgflow.step_states where run_id = :'rid' and step_slug = 'b'),
  'skipped_at is the step''s; b says dependency_skipped');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold');

select * from finish();
rollback;
