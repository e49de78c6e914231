begin;
select plan(4);

-- Re-registering (a restart): started again, no longer stopped, heartbeat now.
select pgflow.create_flow('wk_rereg');
select pgflow.create_flow('wk_rereg_b');
select pgflow.register_worker('00000000-0000-4000-8000-00000000a011', 'wk_rereg', 'v1');
select pgflow.stop_worker('00000000-0000-4000-8000-00000000a011');
update pgflow.workers
   set started_at = now() - interval '2 hours', stopped_at = now() - interval '1 hour',
       last_heartbeat_at = now() - interval '1 hour'
 where worker_id = '00000000-0000-4000-8000-00000000a011';

select results_eq(
  $$ select queue_name, function_name, started_at, stopped_at, last_heartbeat_at
       from pgflow.register_worker('00000000-0000-4000-8000-00000000a011', 'wk_rereg_b', 'v2') $$,
  $$ values ('wk_rereg_b'::text, 'v2'::text, now(), null::timestamptz, now()) $$,
  'returns the worker restarted, with its new queue and function');
select is((select stopped_at from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a011'), null,
  'stopped_at is cleared');
select is((select started_at from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a011'), now(),
  'started_at is now');
select is((select count(*)::integer from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a011'), 1,
  'still one row');

select * from finish();
rollback;
