begin;
select plan(4);

select pgflow.create_flow('ft_zero', max_attempts => 0);
select pgflow.add_step('ft_zero', 'a');
select run_id as rid from pgflow.start_flow('ft_zero', '{}') \gset
select pgflow_tests.read_and_start('ft_zero');

select is((select status from pgflow.fail_task(:'rid', 'a', 0, 'no retries')), 'failed', 'the first failure is final');
select is((select status from pgflow.step_states where run_id = :'rid'), 'failed', 'the step fails');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run fails');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
