begin;
select plan(4);

-- A worker finishes a task after its run was pruned (a long task, a short
-- retention): complete_task and fail_task answer as for any late call.
select pgflow.create_flow('sec_pruned', max_attempts => 1);
select pgflow.add_step('sec_pruned', 'a');
select run_id as rid from pgflow.start_flow('sec_pruned', '{}') \gset
select count(*) from pgflow_tests.read_and_start('sec_pruned');
select pgflow.cancel_run(:'rid');
update pgflow.runs set cancelled_at = now() - interval '30 days', started_at = now() - interval '31 days'
 where run_id = :'rid';
select pgflow.prune(interval '7 days');
select is_empty(format($$ select from pgflow.runs where run_id = %L $$, :'rid'), 'the run was pruned');

select is_empty(format($$ select pgflow.complete_task(%L, 'a', 0, '{}') $$, :'rid'), 'complete_task: no row, no error');
select is_empty(format($$ select pgflow.fail_task(%L, 'a', 0, 'late') $$, :'rid'), 'fail_task: no row, no error');
select is_empty(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a", "output": 1}]') $$, :'rid'),
  'complete_tasks: no row, no error');

select * from finish();
rollback;
