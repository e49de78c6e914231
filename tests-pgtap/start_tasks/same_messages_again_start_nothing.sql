begin;
select plan(5);

select pgflow.create_flow('st_twice');
select pgflow.add_step('st_twice', 'a');
select pgflow.add_step('st_twice', 'b');
select run_id as rid from pgflow.start_flow('st_twice', '{}') \gset
select pgflow_tests.worker_for('st_twice') as wid \gset
select array_agg(message_id order by message_id)::text as ids from pgflow.step_tasks where run_id = :'rid' \gset

select is((select count(*)::integer from pgflow.start_tasks('st_twice', :'ids'::bigint[], :'wid')), 2, 'the first call starts both');
create temp table st_vt as select msg_id, vt from pgmq.q_st_twice where msg_id = any(:'ids'::bigint[]);
select is_empty(format($$ select * from pgflow.start_tasks('st_twice', %L::bigint[], %L) $$, :'ids', :'wid'),
  'a second call on the same messages returns nothing');
select results_eq(format($$ select step_slug, status, attempts_count from pgflow.step_tasks where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('a'::text, 'started'::text, 1), ('b', 'started', 1) $$, 'no attempt counted twice');
select results_eq(format($$ select msg_id, vt from pgmq.q_st_twice where msg_id = any(%L::bigint[]) order by msg_id $$, :'ids'),
  $$ select msg_id, vt from st_vt order by msg_id $$, 'the lease is not extended');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after both calls');

select * from finish();
rollback;
