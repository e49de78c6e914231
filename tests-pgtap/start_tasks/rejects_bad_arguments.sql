begin;
select plan(6);

select pgflow.create_flow('st_bad', 3, 0, 60);
select pgflow.add_step('st_bad', 'a');
select run_id as rid from pgflow.start_flow('st_bad', '{}') \gset
select pgflow_tests.worker_for('st_bad') as wid \gset

select throws_ok(format($$ select * from pgflow.start_tasks(null, '{1}', %L) $$, :'wid'),
  '22004', 'flow_slug and worker_id must not be null', 'null flow');
select is_empty(format($$ select * from pgflow.start_tasks('st_bad', null, %L) $$, :'wid'), 'null message ids: no row');
select throws_ok($$ select * from pgflow.start_tasks('st_bad', '{1}', null) $$,
  '22004', 'flow_slug and worker_id must not be null', 'null worker');
select throws_ok(format($$ select * from pgflow.start_tasks('st_nope', '{1}', %L) $$, :'wid'),
  '42704', 'flow "st_nope" does not exist', 'unknown flow');
select throws_ok($$ select * from pgflow.start_tasks('st_bad', '{1}', '00000000-0000-4000-8000-00000000dead') $$,
  '42704', 'worker "00000000-0000-4000-8000-00000000dead" is not registered', 'unregistered worker');
select is((select status from pgflow.step_tasks where run_id = :'rid'), 'queued', 'nothing was started');

select * from finish();
rollback;
