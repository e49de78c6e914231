begin;
select plan(7);

select pgflow.create_flow('ft_last', max_attempts => 2, base_delay => 0);
select pgflow.add_step('ft_last', 'a');
select pgflow.add_step('ft_last', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ft_last', '{}') \gset
select pgflow_tests.read_and_start('ft_last');
select pgflow.fail_task(:'rid', 'a', 0, 'one');
select pgflow_tests.make_visible('ft_last');
select pgflow_tests.read_and_start('ft_last');
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset

create temp table ft_ret as select * from pgflow.fail_task(:'rid', 'a', 0, 'two');
select results_eq(format($$ select status, attempts_count, error_message, failed_at from pgflow.step_tasks where run_id = %L and step_slug = 'a' $$, :'rid'),
  $$ values ('failed'::text, 2, 'two'::text, now()) $$, 'the task fails with the last error');
select is((select status from ft_ret), 'failed', 'the returned row says failed');
select results_eq(format($$ select status, error_message, failed_at from pgflow.step_states where run_id = %L and step_slug = 'a' $$, :'rid'),
  $$ values ('failed'::text, 'two'::text, now()) $$, 'the step fails with the error message');
select results_eq(format($$ select status, failed_at, completed_at, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('failed'::text, now(), null::timestamptz, null::jsonb) $$, 'the run fails, with failed_at');
select is((select count(*)::integer from pgmq.a_ft_last where msg_id = :'mid'), 1, 'the task''s message is archived');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'b'), 'created', 'the dependent never starts');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the failure');

select * from finish();
rollback;
