begin;
select plan(8);

select pgflow.create_flow('pr_hold');
select pgflow.add_step('pr_hold', 'a');
select pgflow.add_step('pr_hold', 'b');
select run_id as rid from pgflow.start_flow('pr_hold', '{}') \gset

select results_eq(format($$ select status, paused_at = now() from pgflow.pause_run(%L) $$, :'rid'),
  $$ values ('paused'::text, true) $$, 'pause_run returns the paused run');
select is((select paused_at from pgflow.runs where run_id = :'rid'), now(), 'paused_at is set');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold once paused');

select is_empty($$ select * from pgflow_tests.read_and_start('pr_hold') $$, 'start_tasks starts nothing of a paused run');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('queued'::text, 0), ('queued', 0) $$, 'the tasks stay queued');
select is(pgflow_tests.held_message_ids('pr_hold'), pgflow_tests.queue_message_ids('pr_hold'),
  'their messages are held (invisible until resume)');
select is_empty($$ select * from pgmq.read('pr_hold', 0, 10) $$, 'so a worker reads nothing more');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
