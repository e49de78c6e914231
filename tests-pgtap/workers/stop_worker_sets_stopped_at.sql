begin;
select plan(3);

-- stop_worker( worker_id ): stopped_at = now().
select pgflow.create_flow('wk_stop');
select pgflow.register_worker('00000000-0000-4000-8000-00000000a071', 'wk_stop', 'w');
update pgflow.workers set started_at = now() - interval '1 hour' where worker_id = '00000000-0000-4000-8000-00000000a071';
select results_eq(
  $$ select worker_id, stopped_at from pgflow.stop_worker('00000000-0000-4000-8000-00000000a071') $$,
  $$ values ('00000000-0000-4000-8000-00000000a071'::uuid, now()) $$, 'returns the worker, stopped now');
select results_eq(
  $$ select started_at, stopped_at from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a071' $$,
  $$ values (now() - interval '1 hour', now()) $$, 'the row is stopped, started_at untouched');
select is((pgflow.stop_worker(worker_id => '00000000-0000-4000-8000-00000000a071')).worker_id,
  '00000000-0000-4000-8000-00000000a071'::uuid, 'worker_id by name');

select * from finish();
rollback;
