-- complete_tasks completes every task of a batch, across runs, steps and map
-- tasks, in one call, and cascades each as complete_task does.
begin;
select plan(9);

select pgflow.create_flow('cts_batch');
select pgflow.add_step('cts_batch', 'a');
select pgflow.add_step('cts_batch', 'm', array['a'], step_type => 'map');
select pgflow.add_step('cts_batch', 'z', array['m']);
select run_id as r1 from pgflow.start_flow('cts_batch', '{"n": 1}') \gset
select run_id as r2 from pgflow.start_flow('cts_batch', '{"n": 2}') \gset

create temp table started as select * from pgflow_tests.read_and_start('cts_batch');
select is((select count(*)::integer from pgflow.complete_tasks(
            (select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug,
                                                 'task_index', task_index, 'output', jsonb_build_array(1, 2, 3)))
               from started))), 2,
  'both root tasks of two runs complete in one call and are returned');
select is((select count(*)::integer from pgflow.step_tasks where flow_slug = 'cts_batch' and step_slug = 'm' and status = 'queued'), 6,
  'each run''s map step was queued with three tasks');

truncate started;
insert into started select * from pgflow_tests.read_and_start('cts_batch');
select results_eq($$ select step_slug, task_index from pgflow.complete_tasks(
            (select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug,
                                                 'task_index', task_index, 'output', task_index * 10)
                              order by run_id desc, task_index desc)
               from started))
            order by step_slug, task_index $$,
  $$ values ('m', 0), ('m', 0), ('m', 1), ('m', 1), ('m', 2), ('m', 2) $$,
  'six map tasks of two runs, listed in any order, complete together');
select is((select array_agg(distinct output::text) from pgflow.step_states where flow_slug = 'cts_batch' and step_slug = 'm'),
  array['[0, 10, 20]'], 'each map output is in task_index order');

truncate started;
insert into started select * from pgflow_tests.read_and_start('cts_batch');
select is((select count(*)::integer from pgflow.complete_tasks(
            (select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug, 'output', 'true'::jsonb))
               from started))), 2,
  'task_index defaults to 0');
select is((select array_agg(status order by run_id) from pgflow.runs where flow_slug = 'cts_batch'),
  array['completed', 'completed'], 'both runs completed');
select is((select output from pgflow.runs where run_id = :'r1'), '{"z": true}'::jsonb, 'with the leaf output');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$, :'r1', :'r2'),
  'invariants hold for both runs');
select is((select count(*)::integer from pgflow.complete_tasks('[]')), 0, 'an empty batch does nothing');

select * from finish();
rollback;
