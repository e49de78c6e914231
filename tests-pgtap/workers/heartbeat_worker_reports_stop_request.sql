begin;
select plan(2);

-- The returned stopped_at tells a worker it has been asked to stop; a
-- heartbeat does not clear it.
select pgflow.create_flow('wk_hbstop');
select pgflow.register_worker('00000000-0000-4000-8000-00000000a051', 'wk_hbstop', 'w');
select pgflow.stop_worker('00000000-0000-4000-8000-00000000a051');
select is((pgflow.heartbeat_worker('00000000-0000-4000-8000-00000000a051')).stopped_at, now(),
  'a heartbeat of a stopped worker returns its stopped_at');
select is((select stopped_at from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a051'), now(),
  'and keeps it');

select * from finish();
rollback;
