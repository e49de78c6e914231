begin;
select plan(4);

select pgflow.create_flow('ms_empty_chain');
select pgflow.add_step('ms_empty_chain', 'list');
select pgflow.add_step('ms_empty_chain', 'm1', array['list'], step_type => 'map');
select pgflow.add_step('ms_empty_chain', 'm2', array['m1'], step_type => 'map');
select pgflow.add_step('ms_empty_chain', 'm3', array['m2'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_empty_chain', '{}') \gset
select pgflow_tests.read_and_start('ms_empty_chain');
select pgflow.complete_task(:'rid', 'list', 0, '[]');

select results_eq(format($$ select step_slug, status, output from pgflow.step_states where run_id = %L and step_slug like 'm%%' order by step_slug $$, :'rid'),
  $$ values ('m1'::text, 'completed'::text, '[]'::jsonb), ('m2', 'completed', '[]'), ('m3', 'completed', '[]') $$,
  'a chain of maps over [] completes in one cascade');
select results_eq(format($$ select status, remaining_steps, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, 0, '{"m3": []}'::jsonb) $$, 'and completes the run');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug like 'm%%' $$, :'rid'), 'no map task was made');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
