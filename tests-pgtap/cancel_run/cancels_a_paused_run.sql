begin;
select plan(4);

select pgflow.create_flow('cr_paused');
select pgflow.add_step('cr_paused', 'a');
select run_id as rid from pgflow.start_flow('cr_paused', '{}') \gset
select pgflow.pause_run(:'rid');
select count(*) from pgflow_tests.read_and_start('cr_paused');

select results_eq(format($$ select status, paused_at from pgflow.cancel_run(%L) $$, :'rid'),
  $$ values ('cancelled'::text, null::timestamptz) $$, 'a paused run is cancelled, and no longer paused');
select is(pgflow_tests.queue_message_ids('cr_paused'), '{}'::bigint[], 'its held message is archived');
select throws_ok(format($$ select pgflow.resume_run(%L) $$, :'rid'), '55000', null, 'it cannot be resumed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
