begin;
select plan(2);

-- A flow slug with capitals: its queue table is lower-cased by pgmq.
select pgflow.create_flow('VT_Mixed');
select pgmq.send('VT_Mixed', '{}') as m1 \gset
select is((select count(*)::integer from pgflow.set_vt_batch('VT_Mixed', array[:m1]::bigint[], array[30])), 1,
  'the message is updated');
select ok((select vt - clock_timestamp() between interval '28 seconds' and interval '30 seconds'
             from pgmq.q_vt_mixed where msg_id = :m1), 'visible in 30 seconds');

select * from finish();
rollback;
