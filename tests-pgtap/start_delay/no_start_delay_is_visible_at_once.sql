begin;
select plan(3);

select pgflow.create_flow('sd_zero');
select pgflow.add_step('sd_zero', 'a', start_delay => 0);
select pgflow.add_step('sd_zero', 'b');
select run_id as rid from pgflow.start_flow('sd_zero', '{}') \gset

select ok((select bool_and(q.vt <= clock_timestamp()) from pgmq.q_sd_zero as q
             join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'start_delay 0 and no start_delay are both visible at once');
select is((select count(*)::integer from pgflow_tests.read_and_start('sd_zero')), 2, 'a worker gets both');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
