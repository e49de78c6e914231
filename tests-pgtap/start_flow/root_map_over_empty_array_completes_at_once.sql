begin;
select plan(6);

select pgflow.create_flow('sf_rmap_empty');
select pgflow.add_step('sf_rmap_empty', 'm', step_type => 'map');
select pgflow.add_step('sf_rmap_empty', 'other');
select pgflow.add_step('sf_rmap_empty', 'after', array['m']);
select run_id as rid from pgflow.start_flow('sf_rmap_empty', '[]') \gset

select results_eq(format($$ select status, initial_tasks, remaining_tasks, output from pgflow.step_states
                             where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('completed'::text, 0, 0, '[]'::jsonb) $$, 'the map over [] is completed at once with output []');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug = 'm' $$, :'rid'),
  'it has no tasks');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'after'), 'started',
  'its dependent is queued right away');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 2, 'the run has two steps left');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'and is still started');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
