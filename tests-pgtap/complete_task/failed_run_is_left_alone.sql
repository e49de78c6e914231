begin;
select plan(5);

select pgflow.create_flow('ct_failed_run', max_attempts => 1);
select pgflow.add_step('ct_failed_run', 'a');
select pgflow.add_step('ct_failed_run', 'b');
select pgflow.add_step('ct_failed_run', 'c', array['b']);
select run_id as rid from pgflow.start_flow('ct_failed_run', '{}') \gset
select pgflow_tests.read_and_start('ct_failed_run');
select pgflow.fail_task(:'rid', 'a', 0, 'a broke');

select is_empty(format($$ select * from pgflow.complete_task(%L, 'b', 0, '{}') $$, :'rid'),
  'completing a started task of a failed run returns no row');
select results_eq(format($$ select status, output from pgflow.step_tasks where run_id = %L and step_slug = 'b' $$, :'rid'),
  $$ values ('started'::text, null::jsonb) $$, 'the task is not completed');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'c'), 'created', 'nothing is cascaded');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('failed'::text, null::jsonb) $$, 'the run stays failed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
