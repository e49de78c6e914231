begin;
select plan(4);

-- Returns the updated messages as pgmq.message_record rows.
select pgflow.create_flow('vt_ret');
select pgmq.send('vt_ret', '{"n": 1}') as m1 \gset
select pgmq.send('vt_ret', '{"n": 2}') as m2 \gset

create temp table ret as
select * from pgflow.set_vt_batch('vt_ret', array[:m1, :m2]::bigint[], array[5, 50]);

select results_eq($$ select msg_id, message from ret order by msg_id $$,
  format($$ values (%s::bigint, '{"n": 1}'::jsonb), (%s, '{"n": 2}') $$, :m1, :m2),
  'one row per message, with its payload');
select results_eq($$ select r.vt from ret as r order by r.msg_id $$,
  $$ select q.vt from pgmq.q_vt_ret as q order by q.msg_id $$,
  'the returned vt is the stored one');
select is((select count(*)::integer from pgflow.set_vt_batch('vt_ret', array[:m1, 999999999]::bigint[], array[5, 5])), 1,
  'an id that is not in the queue returns nothing for it');
select is_empty($$ select * from pgflow.set_vt_batch('vt_ret', '{}'::bigint[], '{}'::integer[]) $$,
  'empty arrays return nothing');

select * from finish();
rollback;
