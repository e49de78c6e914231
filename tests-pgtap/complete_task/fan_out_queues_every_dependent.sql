begin;
select plan(4);

select pgflow.create_flow('ct_fanout');
select pgflow.add_step('ct_fanout', 'split');
select pgflow.add_step('ct_fanout', 'p1', array['split']);
select pgflow.add_step('ct_fanout', 'p2', array['split']);
select pgflow.add_step('ct_fanout', 'p3', array['split']);
select pgflow.add_step('ct_fanout', 'merge', array['p1', 'p2', 'p3']);
select run_id as rid from pgflow.start_flow('ct_fanout', '{}') \gset
select pgflow_tests.read_and_start('ct_fanout');
select pgflow.complete_task(:'rid', 'split', 0, '{}');

select results_eq(format($$ select step_slug from pgflow.step_tasks where run_id = %L and status = 'queued' order by step_slug $$, :'rid'),
  $$ values ('p1'::text), ('p2'), ('p3') $$, 'completing split queues all three branches');
select is((select remaining_deps from pgflow.step_states where run_id = :'rid' and step_slug = 'merge'), 3, 'merge waits for 3');
select is(pgflow_tests.drive('ct_fanout'), 4, 'the rest runs: three branches and merge');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
