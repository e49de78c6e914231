begin;
select plan(5);

select pgflow.create_flow('ft_step_max', max_attempts => 1, base_delay => 0);
select pgflow.add_step('ft_step_max', 'sturdy', max_attempts => 2);
select pgflow.add_step('ft_step_max', 'other');
select run_id as rid from pgflow.start_flow('ft_step_max', '{}') \gset
select pgflow_tests.read_and_start('ft_step_max');

select pgflow.fail_task(:'rid', 'sturdy', 0, 'first');
select is((select status from pgflow.step_tasks where run_id = :'rid' and step_slug = 'sturdy'), 'queued',
  'the step''s max_attempts 2 beats the flow''s 1: a retry');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run goes on');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the retry');

select pgflow_tests.make_visible('ft_step_max');
select pgflow_tests.read_and_start('ft_step_max');
select pgflow.fail_task(:'rid', 'sturdy', 0, 'second');
select results_eq(format($$ select t.status, t.attempts_count, r.status from pgflow.step_tasks as t join pgflow.runs as r using (run_id)
                             where run_id = %L and step_slug = 'sturdy' $$, :'rid'),
  $$ values ('failed'::text, 2, 'failed'::text) $$, 'the second failure is the last');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the failure');

select * from finish();
rollback;
