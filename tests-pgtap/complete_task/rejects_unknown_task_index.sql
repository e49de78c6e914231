begin;
select plan(4);

select pgflow.create_flow('ct_unk_idx');
select pgflow.add_step('ct_unk_idx', 'a');
select pgflow.add_step('ct_unk_idx', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_unk_idx', '{}') \gset
select pgflow_tests.read_and_start('ct_unk_idx');

select throws_ok(format($$ select * from pgflow.complete_task(%L, 'a', 1, '{}') $$, :'rid'),
  '42704', format('task 1 of step "a" does not exist in run "%s"', :'rid'), 'a task index the step lacks is refused');
select throws_ok(format($$ select * from pgflow.complete_task(%L, 'b', 0, '{}') $$, :'rid'),
  '42704', format('task 0 of step "b" does not exist in run "%s"', :'rid'), 'so is a task of a step not started yet');
select is((select status from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a'), 'started', 'a''s task is untouched');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
