begin;
select plan(4);

-- set_vt_batch( queue_name, msg_ids, vt_offsets ): msg_ids[i] visible vt_offsets[i] seconds from now.
select pgflow.create_flow('vt_each');
select pgmq.send('vt_each', '{"n": 1}') as m1 \gset
select pgmq.send('vt_each', '{"n": 2}') as m2 \gset
select pgmq.send('vt_each', '{"n": 3}') as m3 \gset

select pgflow.set_vt_batch('vt_each', array[:m1, :m2]::bigint[], array[10, 100]);

select ok((select vt - clock_timestamp() between interval '8 seconds' and interval '10 seconds'
             from pgmq.q_vt_each where msg_id = :m1),
  'the first message is visible in 10 seconds');
select ok((select vt - clock_timestamp() between interval '98 seconds' and interval '100 seconds'
             from pgmq.q_vt_each where msg_id = :m2),
  'the second message is visible in 100 seconds');
select ok((select vt <= clock_timestamp() from pgmq.q_vt_each where msg_id = :m3),
  'a message not listed is untouched (still visible)');
select is((select array_agg(m.msg_id) from pgmq.read('vt_each', 30, 10) as m), array[:m3]::bigint[],
  'only the untouched message can be read now');

select * from finish();
rollback;
