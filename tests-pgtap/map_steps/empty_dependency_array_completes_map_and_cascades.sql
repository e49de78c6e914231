begin;
select plan(6);

select pgflow.create_flow('ms_empty_dep');
select pgflow.add_step('ms_empty_dep', 'list');
select pgflow.add_step('ms_empty_dep', 'm', array['list'], step_type => 'map');
select pgflow.add_step('ms_empty_dep', 'after', array['m']);
select run_id as rid from pgflow.start_flow('ms_empty_dep', '{}') \gset
select pgflow_tests.read_and_start('ms_empty_dep');
select pgflow.complete_task(:'rid', 'list', 0, '[]');

select results_eq(format($$ select status, initial_tasks, remaining_tasks, output from pgflow.step_states where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('completed'::text, 0, 0, '[]'::jsonb) $$, 'a map over [] completes at once with []');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug = 'm' $$, :'rid'), 'without tasks');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'after'), 'started', 'its dependent is queued');
select is((select input from pgflow_tests.read_and_start('ms_empty_dep')), '{"run": {}, "m": []}'::jsonb,
  'and sees "m": []');
select pgflow.complete_task(:'rid', 'after', 0, '"done"');
select is((select output from pgflow.runs where run_id = :'rid'), '{"after": "done"}'::jsonb, 'the run completes');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
