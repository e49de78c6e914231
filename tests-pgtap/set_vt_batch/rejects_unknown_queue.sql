begin;
select plan(3);

-- Only a flow's queue: another pgmq queue, or none at all, is refused.
select throws_ok($$ select pgflow.set_vt_batch('vt_no_such_flow', array[1]::bigint[], array[10]) $$,
  '42704', 'queue "vt_no_such_flow" is not the queue of a flow', 'an unknown queue is refused');
select pgmq.create('vt_plain_queue');
select pgmq.send('vt_plain_queue', '{}') as m1 \gset
select throws_ok(format('select pgflow.set_vt_batch(%L, array[%s]::bigint[], array[10])', 'vt_plain_queue', :m1),
  '42704', 'queue "vt_plain_queue" is not the queue of a flow', 'a pgmq queue that is no flow''s is refused');
select ok((select vt <= clock_timestamp() from pgmq.q_vt_plain_queue where msg_id = :m1), 'its message was not hidden');

select * from finish();
rollback;
