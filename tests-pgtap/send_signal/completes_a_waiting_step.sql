begin;
select plan(10);

-- a -> approve (signal) -> b: once a completes, approve waits (started, no
-- task); send_signal completes it with the payload, and b gets it as input.
select pgflow.create_flow('ss_happy');
select pgflow.add_step('ss_happy', 'a');
select pgflow.add_step('ss_happy', 'approve', array['a'], step_type => 'signal');
select pgflow.add_step('ss_happy', 'b', array['approve']);
select run_id from pgflow.start_flow('ss_happy', '{"order": 7}') \gset
select set_config('t.run', :'run_id', true);
select pgflow_tests.run_task(:'run_id', 'a', '"A"');

select results_eq($$ select status, remaining_tasks, initial_tasks from pgflow.step_states
                      where run_id = current_setting('t.run')::uuid and step_slug = 'approve' $$,
  $$ values ('started'::text, 1, 1) $$, 'the signal step waits, started');
select is_empty($$ select from pgflow.step_tasks where run_id = current_setting('t.run')::uuid and step_slug = 'approve' $$,
  'with no task');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold while it waits');

select results_eq($$ select step_slug, status, output from pgflow.send_signal(current_setting('t.run')::uuid, 'approve', '{"by": "ann"}') $$,
  $$ values ('approve'::text, 'completed'::text, '{"by": "ann"}'::jsonb) $$,
  'send_signal completes it and returns its state');
select results_eq($$ select payload from pgflow.signals where run_id = current_setting('t.run')::uuid and step_slug = 'approve' $$,
  $$ values ('{"by": "ann"}'::jsonb) $$, 'the signal is recorded');
select is((select status from pgflow.step_states where run_id = :'run_id' and step_slug = 'b'), 'started',
  'its dependent started');
select is((select t.input -> 'approve'
             from pgflow.start_tasks('ss_happy',
                    array(select message_id from pgflow.step_tasks where run_id = :'run_id' and step_slug = 'b'),
                    pgflow_tests.worker_for('ss_happy')) as t),
  '{"by": "ann"}'::jsonb, 'and gets the payload as the signal step''s output');
select pgflow.complete_task(:'run_id', 'b', 0, '"B"');
select results_eq($$ select status, output from pgflow.runs where run_id = current_setting('t.run')::uuid $$,
  $$ values ('completed'::text, '{"b": "B"}'::jsonb) $$, 'the run completes');
select is((select remaining_steps from pgflow.runs where run_id = :'run_id'), 0, 'with no step left');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold');

select * from finish();
rollback;
