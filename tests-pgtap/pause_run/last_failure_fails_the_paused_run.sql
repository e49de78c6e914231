begin;
select plan(3);

select pgflow.create_flow('pr_fail', max_attempts => 1);
select pgflow.add_step('pr_fail', 'a');
select pgflow.add_step('pr_fail', 'b');
select run_id as rid from pgflow.start_flow('pr_fail', '{}') \gset
select count(*) from pgflow_tests.read_and_start('pr_fail', 1);
select pgflow.pause_run(:'rid');
select count(*) from pgflow_tests.read_and_start('pr_fail');
select pgflow.fail_task(:'rid', (select step_slug from pgflow.step_tasks where run_id = :'rid' and status = 'started'), 0, 'fatal');

select results_eq(format($$ select status, paused_at from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('failed'::text, null::timestamptz) $$, 'a task failing for good fails the paused run');
select is(pgflow_tests.queue_message_ids('pr_fail'), '{}'::bigint[], 'the held message is archived with it');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
