begin;
select plan(9);

select pgflow.create_flow('cr_queued');
select pgflow.add_step('cr_queued', 'a');
select pgflow.add_step('cr_queued', 'b', array['a']);
select run_id as rid from pgflow.start_flow('cr_queued', '{}') \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a' \gset

select results_eq(format($$ select status, cancel_reason, cancelled_at = now(), paused_at
                              from pgflow.cancel_run(%L, 'not needed') $$, :'rid'),
  $$ values ('cancelled'::text, 'not needed'::text, true, null::timestamptz) $$,
  'cancel_run returns the cancelled run with its reason');
select results_eq(format($$ select status, cancelled_at, cancel_reason from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('cancelled'::text, now(), 'not needed'::text) $$, 'the run is cancelled');
select results_eq(format($$ select step_slug, status, cancelled_at from pgflow.step_states where run_id = %L order by 1 $$, :'rid'),
  $$ values ('a'::text, 'cancelled'::text, now()), ('b', 'cancelled', now()) $$,
  'the started and the created step are cancelled');
select results_eq(format($$ select step_slug, status, cancelled_at from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('a'::text, 'cancelled'::text, now()) $$, 'the queued task is cancelled');
select is(pgflow_tests.queue_message_ids('cr_queued'), '{}'::bigint[], 'the queue is empty');
select is((select count(*)::integer from pgmq.a_cr_queued where msg_id = :mid), 1, 'the message is archived');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 2, 'remaining_steps is kept');
select is_empty($$ select * from pgflow_tests.read_and_start('cr_queued') $$, 'a worker finds nothing');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
