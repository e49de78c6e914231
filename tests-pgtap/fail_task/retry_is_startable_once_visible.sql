begin;
select plan(6);

select pgflow.create_flow('ft_restart', max_attempts => 3, base_delay => 60);
select pgflow.add_step('ft_restart', 'a');
select run_id as rid from pgflow.start_flow('ft_restart', '{"x": 1}') \gset
select pgflow_tests.read_and_start('ft_restart');
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset
select pgflow.fail_task(:'rid', 'a', 0, 'flaky');

select is_empty($$ select * from pgflow_tests.read_and_start('ft_restart') $$, 'during the backoff nothing is read');
select pgflow_tests.make_visible('ft_restart');
create temp table ft_again as select * from pgflow_tests.read_and_start('ft_restart');
select results_eq($$ select step_slug, attempts_count, input from ft_again $$,
  $$ values ('a'::text, 2, '{"run": {"x": 1}}'::jsonb) $$, 'once visible the retry is started as attempt 2, same input');
select is((select msg_id from ft_again), :'mid'::bigint, 'on the same message');
select is((select status from pgflow.step_tasks where run_id = :'rid'), 'started', 'the task is started');
select pgflow.complete_task(:'rid', 'a', 0, '"ok"');
select is((select status from pgflow.runs where run_id = :'rid'), 'completed', 'and can complete the run');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
