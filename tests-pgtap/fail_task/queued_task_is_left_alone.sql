begin;
select plan(4);

select pgflow.create_flow('ft_queued', max_attempts => 1);
select pgflow.add_step('ft_queued', 'a');
select run_id as rid from pgflow.start_flow('ft_queued', '{}') \gset

select is_empty(format($$ select * from pgflow.fail_task(%L, 'a', 0, 'not mine') $$, :'rid'),
  'failing a task that is not started returns nothing');
select results_eq(format($$ select status, error_message, attempts_count from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, null::text, 0) $$, 'the task is unchanged');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run goes on');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
