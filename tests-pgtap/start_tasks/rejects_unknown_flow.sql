begin;
select plan(2);

select pgflow.create_flow('st_unk_flow');
select pgflow_tests.worker_for('st_unk_flow') as wid \gset

select throws_ok(format($$ select * from pgflow.start_tasks('st_unk_flow_nope', array[1]::bigint[], %L) $$, :'wid'),
  '42704', 'flow "st_unk_flow_nope" does not exist', 'an unknown flow is refused');
select hasnt_table('pgmq', 'q_st_unk_flow_nope', 'and no queue appears for it');

select * from finish();
rollback;
