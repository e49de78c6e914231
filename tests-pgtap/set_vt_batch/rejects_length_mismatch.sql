begin;
select plan(3);

select pgflow.create_flow('vt_len');
select pgmq.send('vt_len', '{}') as m1 \gset
select pgmq.send('vt_len', '{}') as m2 \gset
select throws_ok(format('select pgflow.set_vt_batch(%L, array[%s, %s]::bigint[], array[10])', 'vt_len', :m1, :m2),
  '2202E', 'msg_ids length (2) must equal vt_offsets length (1)', 'more ids than offsets is refused');
select throws_ok(format('select pgflow.set_vt_batch(%L, array[%s]::bigint[], array[10, 20])', 'vt_len', :m1),
  '2202E', 'msg_ids length (1) must equal vt_offsets length (2)', 'more offsets than ids is refused');
select ok((select bool_and(vt <= clock_timestamp()) from pgmq.q_vt_len), 'no message was hidden');

select * from finish();
rollback;
