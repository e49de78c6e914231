begin;
select plan(11);

-- when_exhausted 'skip': a step whose attempts run out is skipped (skip_reason
-- exhausted, its error kept), its dependents run without its key, and the
-- run goes on to complete. step:skipped says why.
create schema realtime;
set local pgflow.realtime = on;
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('we_skip', max_attempts => 2, base_delay => 0);
select pgflow.add_step('we_skip', 'order');
select pgflow.add_step('we_skip', 'enrich', array['order'], when_exhausted => 'skip');
select pgflow.add_step('we_skip', 'report', array['order', 'enrich']);
select run_id as rid from pgflow.start_flow('we_skip', '{}') \gset
select pgflow_tests.run_task(:'rid', 'order', '{"id": 7}');

select count(*) from pgflow_tests.read_and_start('we_skip');
select is((select status from pgflow.fail_task(:'rid', 'enrich', 0, 'geo api down')), 'queued', 'the first failure is retried as usual');
select pgflow_tests.make_visible('we_skip');
select count(*) from pgflow_tests.read_and_start('we_skip');
select is((select status from pgflow.fail_task(:'rid', 'enrich', 0, 'geo api still down')), 'failed',
  'the last attempt''s task fails');
select results_eq(format($$ select status, skip_reason, error_message, started_at is not null
                             from pgflow.step_states where run_id = %L and step_slug = 'enrich' $$, :'rid'),
  $$ values ('skipped'::text, 'exhausted'::text, 'geo api still down'::text, true) $$,
  'the step is skipped (exhausted), with its error and when it started');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run goes on');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'report'), 'started',
  'its dependent is queued');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');
select is((select input from pgflow_tests.read_and_start('we_skip')), '{"run": {}, "order": {"id": 7}}'::jsonb,
  'the dependent''s input has no key for the skipped step');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'report', 0, '"done"')), 1, 'the dependent completes');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"report": "done"}'::jsonb) $$, 'the run completes');
select is((select payload - 'skipped_at' - 'run_id' from realtime.sent where event = 'step:enrich:skipped'),
  jsonb_build_object('event_type', 'step:skipped', 'flow_slug', 'we_skip', 'step_slug', 'enrich', 'status', 'skipped',
                     'skip_reason', 'exhausted', 'error_message', 'geo api still down', 'failure', 'exhausted'),
  'step:skipped carries the reason, the error and the failure');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
