begin;
select plan(6);

-- A map of 50 tasks, all started; the first failure exhausts max_attempts 1
-- and fails the run. The other 49 failures (and completions) that follow
-- change nothing.
select pgflow.create_flow('at_flood', max_attempts => 1, base_delay => 0, timeout => 60);
select pgflow.add_step('at_flood', 'fan', step_type => 'map');
select run_id as rid from pgflow.start_flow('at_flood', (select jsonb_agg(i) from generate_series(1, 50) as i)) \gset
select is((select count(*)::integer from pgflow_tests.read_and_start('at_flood')), 50, '50 tasks started');

select is((select count(*)::integer from pgflow.fail_task(:'rid', 'fan', 0, 'boom')), 1, 'the first failure is recorded');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'and fails the run');

select is((select count(*)::integer from generate_series(1, 49) as i, pgflow.fail_task(:'rid', 'fan', i, 'boom again')), 0,
  '49 more failures return no row');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and status = 'failed'), 1,
  'only the first task is failed; the others are left as they were');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
