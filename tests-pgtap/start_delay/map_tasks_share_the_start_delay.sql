begin;
select plan(3);

select pgflow.create_flow('sd_map');
select pgflow.add_step('sd_map', 'm', step_type => 'map', start_delay => 15);
select run_id as rid from pgflow.start_flow('sd_map', '[1, 2, 3]') \gset

select ok((select bool_and(q.vt between clock_timestamp() + interval '14 s' and clock_timestamp() + interval '15.01 s')
             from pgmq.q_sd_map as q join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'every task of a delayed map is delayed 15 s');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid'), 3, 'all three tasks exist');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
