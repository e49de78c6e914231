begin;
select plan(6);

select pgflow.create_flow('ms_retry', max_attempts => 3, base_delay => 0);
select pgflow.add_step('ms_retry', 'm', step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_retry', '["x", "y", "z"]') \gset
select pgflow_tests.read_and_start('ms_retry');

select pgflow.fail_task(:'rid', 'm', 1, 'y failed');
select results_eq(format($$ select task_index, status, attempts_count from pgflow.step_tasks where run_id = %L order by task_index $$, :'rid'),
  $$ values (0, 'started'::text, 1), (1, 'queued', 1), (2, 'started', 1) $$, 'only the failed map task is queued again');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the retry');

select pgflow.complete_task(:'rid', 'm', 0, '"X"');
select pgflow.complete_task(:'rid', 'm', 2, '"Z"');
create temp table ms_again as select * from pgflow_tests.read_and_start('ms_retry');
select results_eq($$ select task_index, input, attempts_count from ms_again $$,
  $$ values (1, '"y"'::jsonb, 2) $$, 'the retry gets its element again, attempt 2');
select pgflow.complete_task(:'rid', 'm', 1, '"Y"');
select is((select output from pgflow.step_states where run_id = :'rid' and step_slug = 'm'), '["X", "Y", "Z"]'::jsonb,
  'the retried output lands in its index');
select is((select status from pgflow.runs where run_id = :'rid'), 'completed', 'the run completes');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after completion');

select * from finish();
rollback;
