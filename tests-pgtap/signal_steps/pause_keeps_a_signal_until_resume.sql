begin;
select plan(6);

-- A signal to a paused run is kept, not applied: resume_run applies it.
select pgflow.create_flow('sst_pause');
select pgflow.add_step('sst_pause', 'approve', step_type => 'signal');
select pgflow.add_step('sst_pause', 'b', array['approve']);
select run_id from pgflow.start_flow('sst_pause', '{}') \gset
select set_config('t.run', :'run_id', true);
select pgflow.pause_run(:'run_id');

select results_eq($$ select status from pgflow.send_signal(current_setting('t.run')::uuid, 'approve', '"ok"') $$,
  $$ values ('started'::text) $$, 'kept: the step still waits');
select is(cardinality(pgflow_tests.queue_message_ids('sst_pause')), 0, 'nothing queued');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold while paused');
select pgflow.resume_run(:'run_id');
select results_eq($$ select status, output from pgflow.step_states where run_id = current_setting('t.run')::uuid and step_slug = 'approve' $$,
  $$ values ('completed'::text, '"ok"'::jsonb) $$, 'resume_run applies it');
select is((select status from pgflow.step_states where run_id = :'run_id' and step_slug = 'b'), 'started',
  'and its dependent starts');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold');

select * from finish();
rollback;
