-- A batch where one run fails on the way (its map step gets no array) and
-- another goes on: the failed run is failed with its error, the other run's
-- map is queued, and both tasks are returned as completed.
begin;
select plan(6);

select pgflow.create_flow('ctf_mix');
select pgflow.add_step('ctf_mix', 'a');
select pgflow.add_step('ctf_mix', 'm', array['a'], step_type => 'map');
select run_id as good from pgflow.start_flow('ctf_mix', '{"n": 1}') \gset
select run_id as bad from pgflow.start_flow('ctf_mix', '{"n": 2}') \gset
select count(*) from pgflow_tests.read_and_start('ctf_mix');

select is((select count(*)::integer from pgflow.complete_tasks(jsonb_build_array(
            jsonb_build_object('run_id', :'good', 'step_slug', 'a', 'output', '[1, 2]'::jsonb),
            jsonb_build_object('run_id', :'bad', 'step_slug', 'a', 'output', '{"no": "array"}'::jsonb)))), 2,
  'both tasks complete');
select is((select status from pgflow.runs where run_id = :'bad'), 'failed', 'the run whose map got no array failed');
select is((select error_message from pgflow.step_states where run_id = :'bad' and step_slug = 'm'),
  'map step "m" needs an array, but step "a" output object', 'its map step says why');
select is((select status from pgflow.runs where run_id = :'good'), 'started', 'the other run goes on');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'good' and step_slug = 'm' and status = 'queued'), 2,
  'with a task per element of its array');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$, :'good', :'bad'),
  'invariants hold for both runs');

select * from finish();
rollback;
