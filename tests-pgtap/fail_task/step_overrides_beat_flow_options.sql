begin;
select plan(5);

-- The flow retries 5 times with base 3; the step: max_attempts 1 / base 7.
select pgflow.create_flow('ft_override', max_attempts => 5, base_delay => 3, timeout => 60);
select pgflow.add_step('ft_override', 'once', max_attempts => 1);
select pgflow.add_step('ft_override', 'slow', base_delay => 7);
select pgflow.add_step('ft_override', 'never', max_attempts => 0);
select run_id as rid from pgflow.start_flow('ft_override', '{}') \gset
select pgflow_tests.read_and_start('ft_override');

select is((select status from pgflow.fail_task(:'rid', 'slow', 0, 'x')), 'queued', 'slow retries (the flow''s max_attempts 5)');
select ok((select q.vt from pgmq.q_ft_override as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'slow')
          between clock_timestamp() + interval '6.5 s' and clock_timestamp() + interval '7.5 s',
  'with its own base_delay of 7 s');
select is((select status from pgflow.fail_task(:'rid', 'once', 0, 'x')), 'failed', 'once fails at its first failure');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'and fails the run');
select is((select count(*)::integer from pgflow.fail_task(:'rid', 'never', 0, 'x')), 0,
  'after that, failures of other tasks change nothing');

select * from finish();
rollback;
