begin;
select plan(6);

-- A second signal for the same step changes nothing and returns no row,
-- whether the first was kept or applied, and even once the run completed.
select pgflow.create_flow('ss_dup');
select pgflow.add_step('ss_dup', 'a');
select pgflow.add_step('ss_dup', 'approve', array['a'], step_type => 'signal');
select run_id from pgflow.start_flow('ss_dup', '{}') \gset
select set_config('t.run', :'run_id', true);

select pgflow.send_signal(:'run_id', 'approve', '"first"');
select is_empty($$ select * from pgflow.send_signal(current_setting('t.run')::uuid, 'approve', '"second"') $$, 'a kept one wins');
select pgflow_tests.run_task(:'run_id', 'a', '"A"');
select is((select output from pgflow.step_states where run_id = :'run_id' and step_slug = 'approve'), '"first"'::jsonb,
  'its payload is the output');
select is((select status from pgflow.runs where run_id = :'run_id'), 'completed', 'the run completed');
select is_empty($$ select * from pgflow.send_signal(current_setting('t.run')::uuid, 'approve', '"third"') $$,
  'a repeat after the run completed returns no row, no error');
select results_eq($$ select payload from pgflow.signals where run_id = current_setting('t.run')::uuid $$, $$ values ('"first"'::jsonb) $$,
  'one signal stored');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold');

select * from finish();
rollback;
