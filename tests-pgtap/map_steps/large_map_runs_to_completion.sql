begin;
select plan(4);

select pgflow.create_flow('ms_large');
select pgflow.add_step('ms_large', 'm', step_type => 'map');
select pgflow.add_step('ms_large', 'sum', array['m']);
select run_id as rid from pgflow.start_flow('ms_large', (select jsonb_agg(i) from generate_series(1, 250) as i)) \gset

select is((select initial_tasks from pgflow.step_states where run_id = :'rid' and step_slug = 'm'), 250, '250 tasks');
create temp table ms_all as select * from pgflow_tests.read_and_start('ms_large', 1000);
select pgflow.complete_task(run_id, step_slug, task_index, input) from ms_all order by random();
select is((select output from pgflow.step_states where run_id = :'rid' and step_slug = 'm'),
  (select jsonb_agg(i order by i) from generate_series(1, 250) as i),
  'completed in random order, the output is the input array in order');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'sum'), 'started', 'the dependent is queued');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
