begin;
select plan(5);

select pgflow.create_flow('ct_stores');
select pgflow.add_step('ct_stores', 'a');
select pgflow.add_step('ct_stores', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_stores', '{}') \gset
select pgflow_tests.read_and_start('ct_stores');

create temp table ct_ret as select * from pgflow.complete_task(:'rid', 'a', 0, '{"rows": 1500}');
select results_eq(format($$ select status, output, attempts_count from pgflow.step_tasks where run_id = %L and step_slug = 'a' $$, :'rid'),
  $$ values ('completed'::text, '{"rows": 1500}'::jsonb, 1) $$, 'the task is completed with its output');
select is((select completed_at from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a'), now(), 'completed_at is set');
select is((select count(*)::integer from ct_ret), 1, 'one row is returned');
select results_eq($$ select step_slug, status, output from ct_ret $$,
  $$ values ('a'::text, 'completed'::text, '{"rows": 1500}'::jsonb) $$, 'the updated task row');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after complete_task');

select * from finish();
rollback;
