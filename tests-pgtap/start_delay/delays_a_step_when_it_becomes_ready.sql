begin;
select plan(4);

select pgflow.create_flow('sd_delay', 3, 0, 60);
select pgflow.add_step('sd_delay', 'now_step');
select pgflow.add_step('sd_delay', 'later', array['now_step'], start_delay => 30);
select pgflow.add_step('sd_delay', 'root_later', start_delay => 10);
select run_id as rid from pgflow.start_flow('sd_delay', '{}') \gset

select ok((select q.vt between clock_timestamp() + interval '9 s' and clock_timestamp() + interval '10.5 s'
             from pgmq.q_sd_delay as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'root_later'),
  'a root step with start_delay 10 becomes visible 10 s after the run starts');
select is((select step_slug from pgflow_tests.read_and_start('sd_delay')), 'now_step', 'only the undelayed step is visible');
select pgflow.complete_task(:'rid', 'now_step', 0, '{}');
select ok((select q.vt between clock_timestamp() + interval '29 s' and clock_timestamp() + interval '30.5 s'
             from pgmq.q_sd_delay as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'later'),
  'a dependent with start_delay 30 becomes visible 30 s after it is ready');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'later'), 'started',
  'it is started (queued) meanwhile');

select * from finish();
rollback;
