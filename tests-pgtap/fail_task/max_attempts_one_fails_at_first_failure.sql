begin;
select plan(3);

select pgflow.create_flow('ft_one', max_attempts => 3);
select pgflow.add_step('ft_one', 'a', max_attempts => 1);
select run_id as rid from pgflow.start_flow('ft_one', '{}') \gset
select pgflow_tests.read_and_start('ft_one');

select results_eq(format($$ select status, attempts_count from pgflow.fail_task(%L, 'a', 0, 'once') $$, :'rid'),
  $$ values ('failed'::text, 1) $$, 'with max_attempts 1 the first attempt is the last');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run fails');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
