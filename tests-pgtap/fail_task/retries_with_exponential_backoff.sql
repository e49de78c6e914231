begin;
select plan(12);

-- base_delay 2: the retries wait 2 s, then 4 s; max_attempts 3.
select pgflow.create_flow('ft_backoff', max_attempts => 3, base_delay => 2, timeout => 60);
select pgflow.add_step('ft_backoff', 'a');
select run_id as rid from pgflow.start_flow('ft_backoff', '{}') \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset

select is((select attempts_count from pgflow_tests.read_and_start('ft_backoff')), 1, 'attempt 1 starts');
select results_eq(format($$ select status, attempts_count, error_message, started_at from pgflow.fail_task(%L, 'a', 0, 'oops 1') $$, :'rid'),
  format($$ values ('queued'::text, 1, 'oops 1'::text, null::timestamptz) $$),
  'with attempts left the task is queued again, error kept, started_at cleared');
select ok((select vt from pgmq.q_ft_backoff where msg_id = :mid) between clock_timestamp() + interval '1.5 s' and clock_timestamp() + interval '2.5 s',
  'its message is delayed by base_delay * 2^0 = 2 s');
select is((select message_id from pgflow.step_tasks where run_id = :'rid'), :mid::bigint, 'the retry reuses the message');
select is_empty($$ select * from pgflow_tests.read_and_start('ft_backoff') $$, 'nothing is visible during the backoff');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run goes on');

select pgflow_tests.make_visible('ft_backoff');
select is((select attempts_count from pgflow_tests.read_and_start('ft_backoff')), 2, 'attempt 2 starts after the delay');
select pgflow.fail_task(:'rid', 'a', 0, 'oops 2');
select ok((select vt from pgmq.q_ft_backoff where msg_id = :mid) between clock_timestamp() + interval '3.5 s' and clock_timestamp() + interval '4.5 s',
  'the second retry waits base_delay * 2^1 = 4 s');

select pgflow_tests.make_visible('ft_backoff');
select is((select attempts_count from pgflow_tests.read_and_start('ft_backoff')), 3, 'attempt 3 starts');
select is((select output from pgflow.complete_task(:'rid', 'a', 0, '"finally"')), '"finally"'::jsonb, 'and succeeds');
select results_eq(format($$ select status, attempts_count, error_message from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, 3, 'oops 2'::text) $$, 'completed on attempt 3, the last error kept');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
