begin;
select plan(4);

-- heartbeat_worker( worker_id ): last_heartbeat_at = now(), nothing else changes.
select pgflow.create_flow('wk_hb');
select pgflow.register_worker('00000000-0000-4000-8000-00000000a041', 'wk_hb', 'w');
update pgflow.workers set last_heartbeat_at = now() - interval '10 minutes', started_at = now() - interval '1 hour'
 where worker_id = '00000000-0000-4000-8000-00000000a041';

select results_eq(
  $$ select worker_id, last_heartbeat_at, started_at, stopped_at
       from pgflow.heartbeat_worker('00000000-0000-4000-8000-00000000a041') $$,
  $$ values ('00000000-0000-4000-8000-00000000a041'::uuid, now(), now() - interval '1 hour', null::timestamptz) $$,
  'returns the worker with a fresh heartbeat');
select is((select last_heartbeat_at from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a041'), now(),
  'the stale last_heartbeat_at is now now()');
select is((select started_at from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a041'),
  now() - interval '1 hour', 'started_at is untouched');
select is((pgflow.heartbeat_worker(worker_id => '00000000-0000-4000-8000-00000000a041')).queue_name, 'wk_hb',
  'worker_id by name');

select * from finish();
rollback;
