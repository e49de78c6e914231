begin;
select plan(3);

select pgflow.create_flow('ft_no_delay', max_attempts => 2, base_delay => 0);
select pgflow.add_step('ft_no_delay', 'a');
select run_id as rid from pgflow.start_flow('ft_no_delay', '{}') \gset
select pgflow_tests.read_and_start('ft_no_delay');
select pgflow.fail_task(:'rid', 'a', 0, 'retry now');

select ok((select q.vt <= clock_timestamp() from pgmq.q_ft_no_delay as q
             join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'with base_delay 0 the message is visible again at once');
select is((select attempts_count from pgflow_tests.read_and_start('ft_no_delay')), 2, 'and is started as attempt 2');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
