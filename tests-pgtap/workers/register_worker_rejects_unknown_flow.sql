begin;
select plan(2);

select throws_ok($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a021', 'wk_no_such_flow', 'w') $$,
  '42704', 'flow "wk_no_such_flow" does not exist', 'a worker for an unknown flow is refused');
select is_empty($$ select 1 from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a021' $$,
  'no worker row was created');

select * from finish();
rollback;
