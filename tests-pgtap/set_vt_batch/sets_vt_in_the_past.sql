begin;
select plan(2);

-- Offset 0 (or negative) makes a hidden message visible again at once.
select pgflow.create_flow('vt_zero');
select pgmq.send('vt_zero', '{}', 60) as m1 \gset
select is_empty($$ select * from pgmq.read('vt_zero', 30, 10) $$, 'a delayed message cannot be read');
select pgflow.set_vt_batch('vt_zero', array[:m1]::bigint[], array[0]);
select is((select array_agg(m.msg_id) from pgmq.read('vt_zero', 30, 10) as m), array[:m1]::bigint[],
  'after offset 0 it can be read');

select * from finish();
rollback;
