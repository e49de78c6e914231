-- A flow whose options 0.2.6 let in at the integer's maximum (set here by
-- hand: timeout 2147483647 cannot be stored through the API any more) still
-- runs, fails and retries: the retry delay is capped at 2147483647 seconds
-- and the next attempt starts once the message is visible.
begin;
select plan(6);

select pgflow.create_flow('ft_huge');
select pgflow.add_step('ft_huge', 'a');
update pgflow.flows set opt_max_attempts = 2147483647, opt_base_delay = 2147483647, opt_timeout = 2147483647
 where flow_slug = 'ft_huge';
select run_id as rid from pgflow.start_flow('ft_huge', '{}') \gset

select is((select count(*)::integer from pgflow_tests.read_and_start('ft_huge')), 1, 'the task starts');
select results_eq(format($$ select status, attempts_count from pgflow.fail_task(%L, 'a', 0, 'e1') $$, :'rid'),
  $$ values ('queued'::text, 1) $$, 'a failure queues a retry: attempts remain');
select ok((select q.vt between clock_timestamp() + interval '2147483600 s' and clock_timestamp() + interval '2147483647 s'
             from pgmq.q_ft_huge as q join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'the retry waits base_delay, 2147483647 seconds');

select pgflow_tests.make_visible('ft_huge');
select results_eq($$ select attempts_count, timeout from pgflow_tests.read_and_start('ft_huge') $$,
  $$ values (2, 2147483645) $$, 'once visible, attempt 2 starts');
select results_eq(format($$ select status, attempts_count from pgflow.fail_task(%L, 'a', 0, 'e2') $$, :'rid'),
  $$ values ('queued'::text, 2) $$, 'and fails into a retry delayed by the capped 2147483647 * 2 seconds');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
