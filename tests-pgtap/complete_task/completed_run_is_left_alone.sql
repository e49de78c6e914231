begin;
select plan(4);

select pgflow.create_flow('ct_done_run');
select pgflow.add_step('ct_done_run', 'a');
select pgflow.add_step('ct_done_run', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_done_run', '{}') \gset
select pgflow_tests.drive('ct_done_run', '{"a": 1, "b": 2}');
create temp table ct_run as select status, output, completed_at, remaining_steps from pgflow.runs where run_id = :'rid';

select is((select status from ct_run), 'completed', 'the run completed');
select is_empty(format($$ select * from pgflow.complete_task(%L, 'b', 0, '99') $$, :'rid'),
  'completing its last task again returns nothing');
select results_eq(format($$ select status, output, completed_at, remaining_steps from pgflow.runs where run_id = %L $$, :'rid'),
  $$ select * from ct_run $$, 'the run keeps its output and completed_at');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
