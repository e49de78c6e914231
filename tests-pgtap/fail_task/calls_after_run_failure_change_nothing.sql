begin;
select plan(6);

select pgflow.create_flow('ft_after', max_attempts => 1);
select pgflow.add_step('ft_after', 'a');
select pgflow.add_step('ft_after', 'b');
select pgflow.add_step('ft_after', 'c');
select run_id as rid from pgflow.start_flow('ft_after', '{}') \gset
select pgflow_tests.read_and_start('ft_after');
select pgflow.fail_task(:'rid', 'a', 0, 'first failure');
create temp table ft_before as select step_slug, status, error_message, output from pgflow.step_tasks where run_id = :'rid';
create temp table ft_run as select status, failed_at, output from pgflow.runs where run_id = :'rid';

select is_empty(format($$ select * from pgflow.complete_task(%L, 'b', 0, '{}') $$, :'rid'),
  'complete_task on another started task returns nothing');
select is_empty(format($$ select * from pgflow.fail_task(%L, 'c', 0, 'second failure') $$, :'rid'),
  'fail_task on another started task returns nothing');
select is_empty(format($$ select * from pgflow.fail_task(%L, 'a', 0, 'again') $$, :'rid'),
  'fail_task on the failed task returns nothing');
select results_eq(format($$ select step_slug, status, error_message, output from pgflow.step_tasks where run_id = %L order by 1 $$, :'rid'),
  $$ select * from ft_before order by 1 $$, 'no task changed');
select results_eq(format($$ select status, failed_at, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ select * from ft_run $$, 'the run is unchanged');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
