begin;
select plan(2);

select pgflow.create_flow('sd_retry', max_attempts => 3, base_delay => 2);
select pgflow.add_step('sd_retry', 'a', start_delay => 60);
select run_id as rid from pgflow.start_flow('sd_retry', '{}') \gset
select pgflow_tests.make_visible('sd_retry');
select pgflow_tests.read_and_start('sd_retry');
select pgflow.fail_task(:'rid', 'a', 0, 'x');

select ok((select q.vt between clock_timestamp() + interval '1 s' and clock_timestamp() + interval '2.01 s'
             from pgmq.q_sd_retry as q join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'a retry waits the backoff (2 s), not the start delay again');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
