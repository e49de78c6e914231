begin;
select plan(7);

-- retry_after => s: the next attempt waits s seconds instead of the backoff
-- (a rate limit's Retry-After), longer or shorter; the attempt's error stays.
select pgflow.create_flow('ft_ra', max_attempts => 3, base_delay => 100);
select pgflow.add_step('ft_ra', 'a');
select run_id as rid from pgflow.start_flow('ft_ra', '{}') \gset
select count(*) from pgflow_tests.read_and_start('ft_ra');

select results_eq(format($$ select status, error_message from pgflow.fail_task(%L, 'a', 0, '429 slow down', retry_after => 30) $$, :'rid'),
  $$ values ('queued'::text, '429 slow down'::text) $$, 'the task is queued again with its error');
select ok((select q.vt between clock_timestamp() + interval '28 s' and clock_timestamp() + interval '30.01 s'
             from pgmq.q_ft_ra as q join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'its message comes back after 30 s, not the 100 s backoff');
select is_empty($$ select * from pgflow_tests.read_and_start('ft_ra') $$, 'a worker reading now gets nothing');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

-- the second attempt asks for a shorter wait than the backoff (200 s)
select pgflow_tests.make_visible('ft_ra');
select count(*) from pgflow_tests.read_and_start('ft_ra');
select pgflow.fail_task(:'rid', 'a', 0, '429 again', true, 2);
select ok((select q.vt between clock_timestamp() + interval '1 s' and clock_timestamp() + interval '2.01 s'
             from pgmq.q_ft_ra as q join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'a shorter retry_after is taken as well');
select is((select attempts_count from pgflow.step_tasks where run_id = :'rid'), 2, 'two attempts counted');

-- the last attempt: retry_after adds none
select pgflow_tests.make_visible('ft_ra');
select count(*) from pgflow_tests.read_and_start('ft_ra');
select pgflow.fail_task(:'rid', 'a', 0, '429 once more', retry_after => 5);
select results_eq(format($$ select t.status, r.status from pgflow.step_tasks as t join pgflow.runs as r using (run_id)
                            where t.run_id = %L $$, :'rid'),
  $$ values ('failed'::text, 'failed'::text) $$, 'on the last attempt retry_after adds no attempt: task and run fail');

select * from finish();
rollback;
