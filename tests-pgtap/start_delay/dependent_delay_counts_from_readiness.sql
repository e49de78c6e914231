begin;
select plan(4);

select pgflow.create_flow('sd_ready');
select pgflow.add_step('sd_ready', 'first');
select pgflow.add_step('sd_ready', 'delayed', array['first'], start_delay => 10);
select run_id as rid from pgflow.start_flow('sd_ready', '{}') \gset

select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug = 'delayed' $$, :'rid'),
  'before its dependency completes the delayed step has no task or message');
select pgflow_tests.read_and_start('sd_ready');
select pg_sleep(0.3);
select pgflow.complete_task(:'rid', 'first', 0, '{}');
select ok((select q.vt between clock_timestamp() + interval '9 s' and clock_timestamp() + interval '10.01 s'
             from pgmq.q_sd_ready as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'delayed'),
  'once ready its message becomes visible about 10 s later');
select is_empty($$ select * from pgflow_tests.read_and_start('sd_ready') $$, 'so a worker gets nothing now');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
