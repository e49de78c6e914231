begin;
select plan(5);

select pgflow.create_flow('sf_delay');
select pgflow.add_step('sf_delay', 'late', start_delay => 30);
select pgflow.add_step('sf_delay', 'now');
select run_id as rid from pgflow.start_flow('sf_delay', '{}') \gset

select ok((select q.vt between clock_timestamp() + interval '28 s' and clock_timestamp() + interval '30.01 s'
             from pgmq.q_sf_delay as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'late'),
  'a root step with start_delay 30 gets a message visible in about 30 s');
select ok((select q.vt <= clock_timestamp()
             from pgmq.q_sf_delay as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'now'),
  'a root step without delay is visible at once');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'late'), 'started',
  'the delayed step is started all the same');
select is(array(select step_slug from pgflow_tests.read_and_start('sf_delay')), array['now'],
  'a worker reading now gets only the undelayed task');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
