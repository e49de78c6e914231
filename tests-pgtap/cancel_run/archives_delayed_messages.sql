begin;
select plan(4);

select pgflow.create_flow('cr_delay');
select pgflow.add_step('cr_delay', 'later', start_delay => 3600);
select run_id as rid from pgflow.start_flow('cr_delay', '{}') \gset

select is(cardinality(pgflow_tests.queue_message_ids('cr_delay')), 1, 'the delayed message waits in the queue');
select pgflow.cancel_run(:'rid', 'too late');
select is(pgflow_tests.queue_message_ids('cr_delay'), '{}'::bigint[], 'the delayed message is archived');
select is((select count(*)::integer from pgmq.a_cr_delay), 1, 'it is in the archive');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
