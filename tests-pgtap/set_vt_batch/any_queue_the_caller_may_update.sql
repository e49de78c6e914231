begin;
select plan(6);

-- A generic helper, as upstream's: any pgmq queue, for a role that may update
-- its table; flows' queues as before, for their workers. An unknown queue is
-- 42P01, as pgmq's own functions answer.
select throws_ok($$ select pgflow.set_vt_batch('vt_no_such_queue', array[1]::bigint[], array[10]) $$,
  '42P01', 'relation "pgmq.q_vt_no_such_queue" does not exist', 'an unknown queue is refused, as pgmq refuses it');
select pgmq.create('vt_plain_queue');
select pgmq.send('vt_plain_queue', '{}') as m1 \gset
select is((select count(*)::integer from pgflow.set_vt_batch('vt_plain_queue', array[:m1]::bigint[], array[60])), 1,
  'the owner hides a message of a queue that is no flow''s');
select ok((select vt > clock_timestamp() + interval '50 seconds' from pgmq.q_vt_plain_queue where msg_id = :m1),
  'for the offset given');

-- a worker of a flow may not touch another queue; a role with update on it may
select pgflow_tests.new_role('vt_worker') as w \gset
select pgflow.create_flow('vt_some_flow');
select pgflow.grant_worker(:'w', array['vt_some_flow']);
select is(pgflow_tests.as_role(:'w', format('select count(*) from pgflow.set_vt_batch(%L, array[%s]::bigint[], array[0])',
                                            'vt_plain_queue', :m1)),
  format('ERROR 42501: role "%s" may not update queue "vt_plain_queue"', :'w'), 'a flow''s worker is confined to its flows');
select format('grant select, update on pgmq.q_vt_plain_queue to %I', :'w') \gexec
select is(pgflow_tests.as_role(:'w', format('select count(*) from pgflow.set_vt_batch(%L, array[%s]::bigint[], array[0])',
                                            'vt_plain_queue', :m1)),
  '1', 'a role the queue''s rights allow uses it');
select ok((select vt <= clock_timestamp() from pgmq.q_vt_plain_queue where msg_id = :m1), 'and the message is visible now');

select * from finish();
rollback;
