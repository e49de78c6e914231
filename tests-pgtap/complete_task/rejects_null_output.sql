begin;
select plan(3);

select pgflow.create_flow('ct_null_out');
select pgflow.add_step('ct_null_out', 'a');
select run_id as rid from pgflow.start_flow('ct_null_out', '{}') \gset
select pgflow_tests.read_and_start('ct_null_out');

select throws_ok(format($$ select * from pgflow.complete_task(%L, 'a', 0, null) $$, :'rid'),
  '22004', 'output of task 0 of step "a" must not be null', 'an SQL null output is refused');
select results_eq(format($$ select status, output from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('started'::text, null::jsonb) $$, 'the task stays started');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
