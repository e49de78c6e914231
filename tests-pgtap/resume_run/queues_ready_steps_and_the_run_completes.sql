begin;
select plan(7);

select pgflow.create_flow('rr_ready');
select pgflow.add_step('rr_ready', 'a');
select pgflow.add_step('rr_ready', 'b', array['a']);
select pgflow.add_step('rr_ready', 'c', array['a']);
select run_id as rid from pgflow.start_flow('rr_ready', '{"n": 1}') \gset
select pgflow_tests.read_and_start('rr_ready');
select pgflow.pause_run(:'rid');
select pgflow.complete_task(:'rid', 'a', 0, '"A"');

select results_eq(format($$ select status, paused_at from pgflow.resume_run(%L) $$, :'rid'),
  $$ values ('started'::text, null::timestamptz) $$, 'resume_run returns the started run');
select results_eq(format($$ select step_slug, status from pgflow.step_states where run_id = %L order by 1 $$, :'rid'),
  $$ values ('a'::text, 'completed'::text), ('b', 'started'), ('c', 'started') $$,
  'the steps that became ready while paused are started');
select is(cardinality(pgflow_tests.queue_message_ids('rr_ready')), 2, 'and their tasks queued');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after resume');
select results_eq($$ select step_slug, input from pgflow_tests.read_and_start('rr_ready') order by 1 $$,
  $$ values ('b'::text, '{"run": {"n": 1}, "a": "A"}'::jsonb), ('c', '{"run": {"n": 1}, "a": "A"}') $$,
  'a worker starts them with their inputs');
select pgflow.complete_task(:'rid', 'b', 0, '"B"');
select pgflow.complete_task(:'rid', 'c', 0, '"C"');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"b": "B", "c": "C"}'::jsonb) $$, 'the run completes');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
