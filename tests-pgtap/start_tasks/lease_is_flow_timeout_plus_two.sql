begin;
select plan(3);

select pgflow.create_flow('st_lease_flow', timeout => 45);
select pgflow.add_step('st_lease_flow', 'a');
select run_id as rid from pgflow.start_flow('st_lease_flow', '{}') \gset
create temp table st_got as select * from pgflow_tests.read_and_start('st_lease_flow');

select is((select timeout from st_got), 45, 'the record carries the flow timeout');
select ok((select q.vt between clock_timestamp() + interval '45 s' and clock_timestamp() + interval '47.01 s'
             from pgmq.q_st_lease_flow as q join st_got as g on g.msg_id = q.msg_id),
  'the message is invisible for timeout + 2 = 47 s (not the 30 s the reader asked for)');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_tasks');

select * from finish();
rollback;
