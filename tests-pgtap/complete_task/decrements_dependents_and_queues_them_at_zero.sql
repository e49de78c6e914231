begin;
select plan(7);

select pgflow.create_flow('ct_deps');
select pgflow.add_step('ct_deps', 'a');
select pgflow.add_step('ct_deps', 'b');
select pgflow.add_step('ct_deps', 'c', array['a', 'b']);
select run_id as rid from pgflow.start_flow('ct_deps', '{}') \gset
select pgflow_tests.read_and_start('ct_deps');

select pgflow.complete_task(:'rid', 'a', 0, '{}');
select is((select remaining_deps from pgflow.step_states where run_id = :'rid' and step_slug = 'c'), 1,
  'c''s remaining_deps goes 2 -> 1');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'c'), 'created', 'c still waits');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug = 'c' $$, :'rid'), 'and has no task');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the first dep');

select pgflow.complete_task(:'rid', 'b', 0, '{}');
select results_eq(format($$ select status, remaining_deps, remaining_tasks from pgflow.step_states where run_id = %L and step_slug = 'c' $$, :'rid'),
  $$ values ('started'::text, 0, 1) $$, 'at 0 it is started');
select isnt_empty(format($$ select * from pgmq.q_ct_deps as q join pgflow.step_tasks as t on t.message_id = q.msg_id
                            where t.run_id = %L and t.step_slug = 'c' and t.status = 'queued' $$, :'rid'),
  'with a queued task and its message');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the second dep');

select * from finish();
rollback;
