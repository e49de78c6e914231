begin;
select plan(3);

select pgflow.create_flow('st_null_ids');
select pgflow.add_step('st_null_ids', 'a');
select run_id as rid from pgflow.start_flow('st_null_ids', '{}') \gset
select pgflow_tests.worker_for('st_null_ids') as wid \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset

select is_empty(format($$ select * from pgflow.start_tasks('st_null_ids', array[null]::bigint[], %L) $$, :'wid'),
  'an array of one null id yields nothing');
select is(array(select step_slug from pgflow.start_tasks('st_null_ids', array[null, :'mid']::bigint[], :'wid')), array['a'],
  'a null next to a real id is skipped');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
