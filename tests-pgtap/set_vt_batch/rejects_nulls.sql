begin;
select plan(7);

select pgflow.create_flow('vt_null');
select pgmq.send('vt_null', '{}') as m1 \gset
select throws_ok(format('select pgflow.set_vt_batch(null, array[%s]::bigint[], array[10])', :m1),
  '22004', 'queue_name must not be null', 'null queue_name');
select is_empty($$ select pgflow.set_vt_batch('vt_null', null, array[10]) $$,
  'null msg_ids: no message, no row (as upstream)');
select is_empty(format('select pgflow.set_vt_batch(%L, array[%s]::bigint[], null)', 'vt_null', :m1),
  'null vt_offsets: the same');
select throws_ok(format('select pgflow.set_vt_batch(%L, array[%s]::bigint[], array[null]::integer[])', 'vt_null', :m1),
  '22004', 'msg_ids and vt_offsets must not contain null', 'a null offset');
select throws_ok(format('select pgflow.set_vt_batch(%L, array[%s, null]::bigint[], array[10, 10])', 'vt_null', :m1),
  '22004', 'msg_ids and vt_offsets must not contain null', 'a null id');
select throws_ok(format('select pgflow.set_vt_batch(%L, array[%s, %s]::bigint[], array[10, null])', 'vt_null', :m1, :m1),
  '22004', 'msg_ids and vt_offsets must not contain null', 'a null offset after a valid one');
select ok((select vt <= clock_timestamp() from pgmq.q_vt_null where msg_id = :m1), 'the message was not hidden');

select * from finish();
rollback;
