begin;
select plan(6);

select pgflow.create_flow('ct_unknown', 3, 0, 60);
select pgflow.add_step('ct_unknown', 'a');
select run_id as rid from pgflow.start_flow('ct_unknown', '{}') \gset
select pgflow_tests.read_and_start('ct_unknown');

select is_empty($$ select pgflow.complete_task('00000000-0000-4000-8000-000000000000', 'a', 0, '{}') $$,
  'a run that is not there: no row (it may have been pruned since its task started)');
select throws_ok(format($$ select pgflow.complete_task(%L, 'nope', 0, '{}') $$, :'rid'),
  '42704', 'step "nope" does not exist in flow "ct_unknown"', 'unknown step');
select throws_ok(format($$ select pgflow.complete_task(%L, 'a', 1, '{}') $$, :'rid'),
  '42704', format('task 1 of step "a" does not exist in run "%s"', :'rid'), 'unknown task index');
select is((select status from pgflow.step_tasks where run_id = :'rid'), 'started', 'the task is untouched');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'a', 0, 'null'::jsonb)), 1,
  'JSON null is a valid output');
select is((select output from pgflow.runs where run_id = :'rid'), '{"a": null}'::jsonb, 'and becomes the run output');

select * from finish();
rollback;
