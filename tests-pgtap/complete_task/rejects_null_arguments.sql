begin;
select plan(5);

select pgflow.create_flow('ct_nulls');
select pgflow.add_step('ct_nulls', 'a');
select run_id as rid from pgflow.start_flow('ct_nulls', '{}') \gset
select count(*) from pgflow_tests.read_and_start('ct_nulls');

select throws_ok($$ select pgflow.complete_task(null, 'a', 0, '{}') $$, '22004',
  'run_id, step_slug and task_index must not be null', 'complete_task: null run_id');
select throws_ok(format($$ select pgflow.complete_task(%L, null, 0, '{}') $$, :'rid'), '22004',
  'run_id, step_slug and task_index must not be null', 'complete_task: null step');
select throws_ok(format($$ select pgflow.complete_task(%L, 'a', null, '{}') $$, :'rid'), '22004',
  'run_id, step_slug and task_index must not be null', 'complete_task: null task index');
select throws_ok(format($$ select pgflow.fail_task(%L, 'a', null, 'x') $$, :'rid'), '22004',
  'run_id, step_slug and task_index must not be null', 'fail_task: the same');
select is((select status from pgflow.step_tasks where run_id = :'rid'), 'started', 'the task is untouched');

select * from finish();
rollback;
