begin;
select plan(5);

select pgflow.create_flow('st_takeover', max_attempts => 3);
select pgflow.add_step('st_takeover', 'a');
select run_id as rid from pgflow.start_flow('st_takeover', '{"v": 1}') \gset
select pgflow_tests.read_and_start('st_takeover');
select pgflow_tests.expire_lease(:'rid', 'a', 0);

create temp table st_again as select * from pgflow_tests.read_and_start('st_takeover');
select is((select count(*)::integer from st_again), 1, 'the task whose lease ran out is started again');
select is((select attempts_count from st_again), 2, 'as attempt 2');
select is((select input from st_again), '{"run": {"v": 1}}'::jsonb, 'with the same input');
select results_eq(format($$ select status, attempts_count, started_at from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('started'::text, 2, now()) $$, 'the task is started anew');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the takeover');

select * from finish();
rollback;
