begin;
select plan(6);

select pgflow.create_flow('pr_lease', max_attempts => 1, timeout => 5);
select pgflow.add_step('pr_lease', 'a');
select run_id as rid from pgflow.start_flow('pr_lease', '{}') \gset
select pgflow_tests.read_and_start('pr_lease');
select pgflow.pause_run(:'rid');
select pgflow_tests.expire_lease(:'rid', 'a');
-- the worker is gone
select pgflow_tests.worker_for('pr_lease') as wid \gset
update pgflow.workers set stopped_at = now() where worker_id = :'wid';

select is(pgflow.requeue_stalled_tasks(), 0, 'requeue_stalled_tasks leaves a paused run alone');
select is_empty($$ select * from pgflow_tests.read_and_start('pr_lease') $$,
  'start_tasks neither restarts nor fails the expired task of a paused run');
select results_eq(format($$ select t.status, r.status from pgflow.step_tasks as t join pgflow.runs as r using (run_id)
                            where t.run_id = %L $$, :'rid'),
  $$ values ('started'::text, 'paused'::text) $$, 'the task stays started and the run paused');
select is(cardinality(pgflow_tests.held_message_ids('pr_lease')), 1, 'its message is held');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select pgflow.resume_run(:'rid');
select pgflow_tests.read_and_start('pr_lease');
select results_eq(format($$ select status from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('failed'::text) $$, 'after resume the expired last attempt fails as usual');

select * from finish();
rollback;
