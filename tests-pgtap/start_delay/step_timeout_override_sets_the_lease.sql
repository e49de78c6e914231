begin;
select plan(4);

select pgflow.create_flow('sd_step_to', timeout => 30);
select pgflow.add_step('sd_step_to', 'a', timeout => 5, start_delay => 50);
select pgflow.add_step('sd_step_to', 'b', array['a'], timeout => 200, start_delay => 1);
select run_id as rid from pgflow.start_flow('sd_step_to', '{}') \gset
select pgflow_tests.make_visible('sd_step_to');

create temp table sd_a as select * from pgflow_tests.read_and_start('sd_step_to');
select ok((select q.vt between clock_timestamp() + interval '5 s' and clock_timestamp() + interval '7.01 s'
             from pgmq.q_sd_step_to as q join sd_a as g on g.msg_id = q.msg_id),
  'a''s lease is its own timeout 5 + 2 s');
select pgflow.complete_task(:'rid', 'a', 0, '{}');
select pgflow_tests.make_visible('sd_step_to');
create temp table sd_b as select * from pgflow_tests.read_and_start('sd_step_to');
select is((select timeout from sd_b), 200, 'b''s record carries its timeout 200');
select ok((select q.vt between clock_timestamp() + interval '200 s' and clock_timestamp() + interval '202.01 s'
             from pgmq.q_sd_step_to as q join sd_b as g on g.msg_id = q.msg_id),
  'and its lease is 202 s');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
