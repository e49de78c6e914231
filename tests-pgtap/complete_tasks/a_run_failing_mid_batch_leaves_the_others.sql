-- A batch where one run fails on the way (a task outputs no array for its
-- map step) and another goes on: the failed run is failed with its error
-- (the producing task and step fail), the other run's map is queued, and
-- only its task is returned as completed.
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
            jsonb_build_object('run_id', :'bad', 'step_slug', 'a', 'output', '{"no": "array"}'::jsonb)))), 1,
  'the good task completes');
select is((select status from pgflow.runs where run_id = :'bad'), 'failed', 'the run whose map got no array failed');
select results_eq(format($$ select t.status, ss.error_message from pgflow.step_tasks as t join pgflow.step_states as ss using (run_id, step_slug)
                             where t.run_id = %L and t.step_slug = 'a' $$, :'bad'),
  $$ values ('failed'::text, '[TYPE_VIOLATION] map step "m" needs an array, but step "a" output object'::text) $$,
  'its producing task and step failed, and the step says why');
select is((select status from pgflow.runs where run_id = :'good'), 'started', 'the other run goes on');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'good' and step_slug = 'm' and status = 'queued'), 2,
  'with a task per element of its array');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$, :'good', :'bad'),
  'invariants hold for both runs');

select * from finish();
rollback;
