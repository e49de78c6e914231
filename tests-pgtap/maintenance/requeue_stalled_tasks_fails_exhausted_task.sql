begin;
select plan(5);

-- A stalled task on its last attempt is not queued again: it fails, and with
-- it its step and run (fail_task).
select pgflow.create_flow('mnt_exhausted', 1, 0, 60);
select pgflow.add_step('mnt_exhausted', 'a');
select pgflow.add_step('mnt_exhausted', 'b');
create temp table run as select run_id from pgflow.start_flow('mnt_exhausted', '{}');
select count(*) from pgflow_tests.read_and_start('mnt_exhausted');
select pgflow.stop_worker(pgflow_tests.worker_for('mnt_exhausted'));
select pgflow_tests.expire_lease((select run_id from run), 'a');

select pgflow.requeue_stalled_tasks();
select is((select status from pgflow.step_tasks where run_id = (select run_id from run) and step_slug = 'a'), 'failed',
  'the task failed');
select is((select error_message from pgflow.step_tasks where run_id = (select run_id from run) and step_slug = 'a'),
  'timed out: no result within 62 seconds and the worker is gone, after 1 attempts', 'saying why');
select is((select status from pgflow.step_states where run_id = (select run_id from run) and step_slug = 'a'), 'failed',
  'its step failed');
select is((select status from pgflow.runs where run_id = (select run_id from run)), 'failed', 'the run failed');
select is_empty($$ select pgflow_tests.invariants((select run_id from run)) $$, 'invariants hold');

select * from finish();
rollback;
