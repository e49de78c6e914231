begin;
select plan(5);

-- A worker stopped while its task ran, and the task's lease ran out: the task
-- goes back to the queue, visible now, keeping the attempt it used.
select pgflow.create_flow('mnt_requeue', 3, 0, 60);
select pgflow.add_step('mnt_requeue', 'a');
create temp table run as select run_id from pgflow.start_flow('mnt_requeue', '{}');
select count(*) from pgflow_tests.read_and_start('mnt_requeue');
select pgflow.stop_worker(pgflow_tests.worker_for('mnt_requeue'));
select pgflow_tests.expire_lease((select run_id from run), 'a');
-- hide the message again, so that only requeue_stalled_tasks can make it visible
select pgmq.set_vt('mnt_requeue', (select message_id from pgflow.step_tasks where run_id = (select run_id from run)), 600);

select cmp_ok(pgflow.requeue_stalled_tasks(), '>=', 1, 'requeue_stalled_tasks counts the task');
select results_eq(
  $$ select status, started_at, attempts_count from pgflow.step_tasks where run_id = (select run_id from run) $$,
  $$ values ('queued'::text, null::timestamptz, 1) $$,
  'the task is queued again and keeps its attempt');
select is((select count(*)::integer from pgmq.read('mnt_requeue', 30, 10)), 1, 'its message is visible at once');
select is((select status from pgflow.runs where run_id = (select run_id from run)), 'started', 'the run goes on');
select is_empty($$ select pgflow_tests.invariants((select run_id from run)) $$, 'invariants hold');

select * from finish();
rollback;
