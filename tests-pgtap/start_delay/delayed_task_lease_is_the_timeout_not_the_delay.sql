begin;
select plan(4);

select pgflow.create_flow('sd_lease', timeout => 25);
select pgflow.add_step('sd_lease', 'a', start_delay => 100);
select run_id as rid from pgflow.start_flow('sd_lease', '{}') \gset
select pgflow_tests.make_visible('sd_lease');

create temp table sd_got as select * from pgflow_tests.read_and_start('sd_lease');
select is((select attempts_count from sd_got), 1, 'once visible the delayed task starts');
select is((select timeout from sd_got), 25, 'with the flow''s timeout');
select ok((select q.vt between clock_timestamp() + interval '25 s' and clock_timestamp() + interval '27.01 s'
             from pgmq.q_sd_lease as q join sd_got as g on g.msg_id = q.msg_id),
  'its lease is timeout + 2 = 27 s, not the start delay');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
