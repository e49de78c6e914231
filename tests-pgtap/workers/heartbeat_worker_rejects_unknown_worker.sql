begin;
select plan(3);

select throws_ok($$ select pgflow.heartbeat_worker('00000000-0000-4000-8000-00000000a061') $$,
  '42704', 'worker "00000000-0000-4000-8000-00000000a061" is not registered', 'an unknown worker is refused');
select throws_ok($$ select pgflow.heartbeat_worker(null) $$,
  '22004', 'worker_id must not be null', 'a null worker id is refused as null');
select is_empty($$ select 1 from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a061' $$,
  'no worker row was created');

select * from finish();
rollback;
