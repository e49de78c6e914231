begin;
select plan(6);

select pgflow.create_flow('cr_map');
select pgflow.add_step('cr_map', 'items', step_type => 'map');
select pgflow.add_step('cr_map', 'sum', array['items']);
select run_id as rid from pgflow.start_flow('cr_map', '[1, 2, 3]') \gset
select count(*) from pgflow_tests.read_and_start('cr_map', 2);
select pgflow.complete_task(:'rid', 'items', (select min(task_index) from pgflow.step_tasks
                                               where run_id = :'rid' and status = 'started'), '10');

select results_eq(format($$ select status from pgflow.cancel_run(%L) $$, :'rid'),
  $$ values ('cancelled'::text) $$, 'a map run with started, queued and completed tasks is cancelled');
select results_eq(format($$ select status, count(*)::integer from pgflow.step_tasks where run_id = %L group by 1 order by 1 $$, :'rid'),
  $$ values ('cancelled'::text, 2), ('completed', 1) $$,
  'the started and the queued task are cancelled, the completed one stays');
select results_eq(format($$ select step_slug, status from pgflow.step_states where run_id = %L order by 1 $$, :'rid'),
  $$ values ('items'::text, 'cancelled'::text), ('sum', 'cancelled') $$, 'both steps are cancelled');
select is((select cancel_reason from pgflow.runs where run_id = :'rid'), null, 'no reason given, none stored');
select is(pgflow_tests.queue_message_ids('cr_map'), '{}'::bigint[], 'the queue is empty');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
