begin;
select plan(5);

select pgflow.create_flow('ct_again');
select pgflow.add_step('ct_again', 'a');
select pgflow.add_step('ct_again', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_again', '{}') \gset
select pgflow_tests.read_and_start('ct_again');
select pgflow.complete_task(:'rid', 'a', 0, '{"first": true}');
create temp table ct_before as
  select t.step_slug, t.status, t.output, t.completed_at, ss.status as step_status, ss.remaining_deps, ss.output as step_output
    from pgflow.step_tasks as t join pgflow.step_states as ss using (run_id, step_slug) where run_id = :'rid';

select is_empty(format($$ select * from pgflow.complete_task(%L, 'a', 0, '{"second": true}') $$, :'rid'),
  'completing the task again returns no row');
select results_eq(format($$ select t.step_slug, t.status, t.output, t.completed_at, ss.status, ss.remaining_deps, ss.output
                             from pgflow.step_tasks as t join pgflow.step_states as ss using (run_id, step_slug)
                            where run_id = %L order by 1 $$, :'rid'),
  $$ select * from ct_before order by 1 $$, 'tasks and steps are unchanged');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 1, 'remaining_steps is not decremented again');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b'), 1,
  'b is not queued twice');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the repeated call');

select * from finish();
rollback;
