begin;
select plan(5);

select pgflow.create_flow('ms_chain');
select pgflow.add_step('ms_chain', 'double', step_type => 'map');
select pgflow.add_step('ms_chain', 'label', array['double'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_chain', '[1, 2, 3]') \gset

create temp table ms_first as select * from pgflow_tests.read_and_start('ms_chain');
select pgflow.complete_task(run_id, step_slug, task_index, to_jsonb((input #>> '{}')::integer * 2)) from ms_first;
select is((select output from pgflow.step_states where run_id = :'rid' and step_slug = 'double'), '[2, 4, 6]'::jsonb,
  'the first map outputs [2, 4, 6]');

create temp table ms_second as select * from pgflow_tests.read_and_start('ms_chain');
select results_eq($$ select step_slug, task_index, input from ms_second order by task_index $$,
  $$ values ('label'::text, 0, '2'::jsonb), ('label', 1, '4'), ('label', 2, '6') $$,
  'the second map gets one task per element of the first''s output');
select pgflow.complete_task(run_id, step_slug, task_index, to_jsonb('n' || (input #>> '{}'))) from ms_second;
select is((select output from pgflow.step_states where run_id = :'rid' and step_slug = 'label'), '["n2", "n4", "n6"]'::jsonb,
  'and outputs its own array');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"label": ["n2", "n4", "n6"]}'::jsonb) $$, 'the run completes with the last map''s array');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
