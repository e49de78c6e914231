begin;
select plan(2);

-- A second stop keeps the first stopped_at.
select pgflow.create_flow('wk_stop2');
select pgflow.register_worker('00000000-0000-4000-8000-00000000a081', 'wk_stop2', 'w');
update pgflow.workers set started_at = now() - interval '2 hours', stopped_at = now() - interval '1 hour'
 where worker_id = '00000000-0000-4000-8000-00000000a081';
select is((pgflow.stop_worker('00000000-0000-4000-8000-00000000a081')).stopped_at, now() - interval '1 hour',
  'stopping again returns the first stopped_at');
select is((select stopped_at from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a081'),
  now() - interval '1 hour', 'and keeps it');

select * from finish();
rollback;
