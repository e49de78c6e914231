begin;
select plan(5);

select pgflow.create_flow('wk_nulls');
select throws_ok($$ select pgflow.register_worker(null, 'wk_nulls', 'w') $$,
  '22004', 'worker_id, queue_name and function_name must not be null', 'null worker_id');
select throws_ok($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a031', null, 'w') $$,
  '22004', 'worker_id, queue_name and function_name must not be null', 'null queue_name');
select throws_ok($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a031', 'wk_nulls', null) $$,
  '22004', 'worker_id, queue_name and function_name must not be null', 'null function_name');
select is_empty($$ select 1 from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a031' $$,
  'no worker row was created');
select is_empty($$ select 1 from pgflow.workers where queue_name = 'wk_nulls' $$, 'no worker for the flow either');

select * from finish();
rollback;
