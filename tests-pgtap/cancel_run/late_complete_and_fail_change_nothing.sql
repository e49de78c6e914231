begin;
select plan(7);

select pgflow.create_flow('cr_late', max_attempts => 3, base_delay => 0);
select pgflow.add_step('cr_late', 'a');
select pgflow.add_step('cr_late', 'b');
select pgflow.add_step('cr_late', 'c', array['a', 'b']);
select run_id as rid from pgflow.start_flow('cr_late', '{}') \gset
select count(*) from pgflow_tests.read_and_start('cr_late');
select pgflow.cancel_run(:'rid', 'stop');
create temp table cr_tasks as select step_slug, task_index, status, attempts_count, output, error_message
  from pgflow.step_tasks where run_id = :'rid';
create temp table cr_run as select * from pgflow.runs where run_id = :'rid';

select is_empty(format($$ select * from pgflow.complete_task(%L, 'a', 0, '{"late": true}') $$, :'rid'),
  'complete_task after cancel returns nothing');
select is_empty(format($$ select * from pgflow.fail_task(%L, 'b', 0, 'late failure') $$, :'rid'),
  'fail_task after cancel returns nothing');
select results_eq(format($$ select step_slug, task_index, status, attempts_count, output, error_message
                              from pgflow.step_tasks where run_id = %L order by 1 $$, :'rid'),
  $$ select * from cr_tasks order by 1 $$, 'no task changed');
select results_eq(format($$ select * from pgflow.runs where run_id = %L $$, :'rid'),
  $$ select * from cr_run $$, 'the run is unchanged');
select is(pgflow_tests.queue_message_ids('cr_late'), '{}'::bigint[], 'the queue stays empty');
select throws_ok(format($$ select * from pgflow.complete_task(%L, 'a', 7, '{}') $$, :'rid'), '42704', null,
  'an unknown task is still an error');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
