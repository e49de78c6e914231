begin;
select plan(3);

select pgflow.create_flow('ms_two_maps');
select pgflow.add_step('ms_two_maps', 'm1', step_type => 'map');
select pgflow.add_step('ms_two_maps', 'm2', step_type => 'map');
select pgflow.add_step('ms_two_maps', 'join', array['m1', 'm2']);
select run_id as rid from pgflow.start_flow('ms_two_maps', '[1, 2]') \gset

create temp table ms_maps as select * from pgflow_tests.read_and_start('ms_two_maps');
select pgflow.complete_task(run_id, step_slug, task_index, to_jsonb(step_slug || ':' || (input #>> '{}')))
  from ms_maps order by step_slug desc, task_index desc;
select is((select input from pgflow_tests.read_and_start('ms_two_maps')),
  '{"run": [1, 2], "m1": ["m1:1", "m1:2"], "m2": ["m2:1", "m2:2"]}'::jsonb,
  'a step after two maps gets both arrays, each in index order');
select pgflow.complete_task(:'rid', 'join', 0, '"j"');
select is((select output from pgflow.runs where run_id = :'rid'), '{"join": "j"}'::jsonb, 'the run completes');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
