begin;
select plan(5);

select pgflow.create_flow('st_nulls');
select pgflow.add_step('st_nulls', 'a');
select run_id as rid from pgflow.start_flow('st_nulls', '{}') \gset
select pgflow_tests.worker_for('st_nulls') as wid \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset

select throws_ok(format($$ select * from pgflow.start_tasks(null, array[%s]::bigint[], %L) $$, :'mid', :'wid'),
  '22004', 'flow_slug and worker_id must not be null', 'a null flow slug is refused');
select is_empty(format($$ select * from pgflow.start_tasks('st_nulls', null, %L) $$, :'wid'),
  'null msg_ids (array_agg over an empty read) start nothing and return no row, as upstream');
select is_empty(format($$ select * from pgflow.start_tasks('st_nulls', '{}', %L) $$, :'wid'), 'nor does an empty array');
select throws_ok(format($$ select * from pgflow.start_tasks('st_nulls', array[%s]::bigint[], null) $$, :'mid'),
  '22004', 'flow_slug and worker_id must not be null', 'a null worker id is refused');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, 0) $$, 'nothing was started');

select * from finish();
rollback;
