begin;
select plan(7);

-- A signal sent before its step is ready is kept and applied when the step
-- becomes ready: no signal is lost.
select pgflow.create_flow('ss_early');
select pgflow.add_step('ss_early', 'a');
select pgflow.add_step('ss_early', 'approve', array['a'], step_type => 'signal');
select pgflow.add_step('ss_early', 'b', array['approve']);
select run_id from pgflow.start_flow('ss_early', '{}') \gset
select set_config('t.run', :'run_id', true);

select results_eq($$ select step_slug, status, output from pgflow.send_signal(current_setting('t.run')::uuid, 'approve', '[1, 2]') $$,
  $$ values ('approve'::text, 'created'::text, null::jsonb) $$, 'kept: the step is still created');
select is((select count(*)::integer from pgflow.signals where run_id = :'run_id'), 1, 'the signal is stored');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold');
select pgflow_tests.run_task(:'run_id', 'a', '"A"');
select results_eq($$ select status, output from pgflow.step_states where run_id = current_setting('t.run')::uuid and step_slug = 'approve' $$,
  $$ values ('completed'::text, '[1, 2]'::jsonb) $$, 'applied when its dependency completed');
select is((select status from pgflow.step_states where run_id = :'run_id' and step_slug = 'b'), 'started',
  'in the same transaction, and its dependent started');
select is(cardinality(pgflow_tests.queue_message_ids('ss_early')), 1, 'with its task queued');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold');

select * from finish();
rollback;
