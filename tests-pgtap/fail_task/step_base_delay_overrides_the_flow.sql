begin;
select plan(3);

select pgflow.create_flow('ft_step_delay', max_attempts => 5, base_delay => 100);
select pgflow.add_step('ft_step_delay', 'quick', base_delay => 3);
select pgflow.add_step('ft_step_delay', 'slow');
select run_id as rid from pgflow.start_flow('ft_step_delay', '{}') \gset
select pgflow_tests.read_and_start('ft_step_delay');
select pgflow.fail_task(:'rid', 'quick', 0, 'x');
select pgflow.fail_task(:'rid', 'slow', 0, 'x');

select ok((select q.vt between clock_timestamp() + interval '1 s' and clock_timestamp() + interval '3.01 s'
             from pgmq.q_ft_step_delay as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'quick'),
  'the step''s base_delay 3 is used');
select ok((select q.vt between clock_timestamp() + interval '98 s' and clock_timestamp() + interval '100.01 s'
             from pgmq.q_ft_step_delay as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'slow'),
  'the other step uses the flow''s 100');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
