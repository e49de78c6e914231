begin;
select plan(3);

select pgflow.create_flow('ft_delay1', max_attempts => 3, base_delay => 7);
select pgflow.add_step('ft_delay1', 'a');
select run_id as rid from pgflow.start_flow('ft_delay1', '{}') \gset
select pgflow_tests.read_and_start('ft_delay1');
select pgflow.fail_task(:'rid', 'a', 0, 'e1');

select ok((select q.vt between clock_timestamp() + interval '5 s' and clock_timestamp() + interval '7.01 s'
             from pgmq.q_ft_delay1 as q join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'after attempt 1 the message is delayed base_delay * 2^0 = 7 s');
select is_empty($$ select * from pgflow_tests.read_and_start('ft_delay1') $$, 'a worker reading now gets nothing');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
