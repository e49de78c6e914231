begin;
select plan(4);

select pgflow.create_flow('st_failed_run', max_attempts => 1);
select pgflow.add_step('st_failed_run', 'a');
select pgflow.add_step('st_failed_run', 'b');
select run_id as rid from pgflow.start_flow('st_failed_run', '{}') \gset
select message_id as b_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b' \gset
select pgflow_tests.worker_for('st_failed_run') as wid \gset
select pgflow.start_tasks('st_failed_run', array[message_id], :'wid') from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a';
select pgflow.fail_task(:'rid', 'a', 0, 'boom');

select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run failed');
select is_empty(format($$ select * from pgflow.start_tasks('st_failed_run', array[%s]::bigint[], %L) $$, :'b_msg', :'wid'),
  'starting a task of the failed run (with a message read before) yields nothing');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L and step_slug = 'b' $$, :'rid'),
  $$ values ('queued'::text, 0) $$, 'the task is not started');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
