begin;
select plan(8);

-- A root map over [] completes at start; a map over an empty dependency output
-- completes when the dependency does; a map over that map's [] output too.
select pgflow.create_flow('ms_empty_root', 3, 0, 60);
select pgflow.add_step('ms_empty_root', 'm', step_type => 'map');
select run_id as r1 from pgflow.start_flow('ms_empty_root', '[]') \gset
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'r1'),
  $$ values ('completed'::text, '{"m": []}'::jsonb) $$, 'a flow of one map over [] completes at start');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'r1'), 0, 'with no task');

select pgflow.create_flow('ms_empty_dep', 3, 0, 60);
select pgflow.add_step('ms_empty_dep', 'seed');
select pgflow.add_step('ms_empty_dep', 'm1', array['seed'], step_type => 'map');
select pgflow.add_step('ms_empty_dep', 'm2', array['m1'], step_type => 'map');
select pgflow.add_step('ms_empty_dep', 'after', array['m2']);
select run_id as r2 from pgflow.start_flow('ms_empty_dep', '{}') \gset
select pgflow_tests.read_and_start('ms_empty_dep');
select pgflow.complete_task(:'r2', 'seed', 0, '[]');
select results_eq(format($$ select step_slug, status, output from pgflow.step_states
                             where run_id = %L and step_slug in ('m1', 'm2') order by step_slug $$, :'r2'),
  $$ values ('m1'::text, 'completed'::text, '[]'::jsonb), ('m2', 'completed', '[]') $$,
  'a map over [] completes at once with [], and so does a map over its output');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'r2' and step_slug in ('m1', 'm2')), 0,
  'no map task was created');
select is((select input from pgflow_tests.read_and_start('ms_empty_dep')), '{"run": {}, "m2": []}'::jsonb,
  'the step after them is queued with []');
select is((select remaining_steps from pgflow.runs where run_id = :'r2'), 1, 'only that step remains');
select pgflow.complete_task(:'r2', 'after', 0, '"done"');
select is((select status from pgflow.runs where run_id = :'r2'), 'completed', 'the run completes');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'r2'), 'invariants hold');

select * from finish();
rollback;
