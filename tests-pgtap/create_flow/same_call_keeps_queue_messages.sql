begin;
select plan(2);

-- Calling create_flow again must not recreate (empty) the flow's queue.
select pgflow.create_flow('cf_keepq');
select pgflow.add_step('cf_keepq', 'a');
select run_id as rid from pgflow.start_flow('cf_keepq', '{}') \gset
select pgflow.create_flow('cf_keepq');
select is(cardinality(pgflow_tests.queue_message_ids('cf_keepq')), 1, 'the queued task''s message is still there');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
