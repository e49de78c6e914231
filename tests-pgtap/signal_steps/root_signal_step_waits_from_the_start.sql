begin;
select plan(5);

-- A root signal step starts with the run and waits; a map after it maps over
-- the payload.
select pgflow.create_flow('sst_root');
select pgflow.add_step('sst_root', 'files', step_type => 'signal');
select pgflow.add_step('sst_root', 'each', array['files'], step_type => 'map');
select run_id from pgflow.start_flow('sst_root', '{}') \gset
select set_config('t.run', :'run_id', true);

select is((select status from pgflow.step_states where run_id = :'run_id' and step_slug = 'files'), 'started',
  'the root signal step waits');
select is(cardinality(pgflow_tests.queue_message_ids('sst_root')), 0, 'nothing queued');
select pgflow.send_signal(:'run_id', 'files', '["x", "y", "z"]');
select results_eq($$ select status, initial_tasks from pgflow.step_states
                      where run_id = current_setting('t.run')::uuid and step_slug = 'each' $$,
  $$ values ('started'::text, 3) $$, 'the map maps over the payload');
select is(cardinality(pgflow_tests.queue_message_ids('sst_root')), 3, 'three tasks');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold');

select * from finish();
rollback;
