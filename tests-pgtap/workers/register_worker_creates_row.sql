begin;
select plan(3);

-- register_worker( worker_id, queue_name, function_name ): a worker row, started and alive now.
select pgflow.create_flow('wk_reg');
select results_eq(
  $$ select worker_id, queue_name, function_name, started_at, stopped_at, last_heartbeat_at
       from pgflow.register_worker('00000000-0000-4000-8000-00000000a001', 'wk_reg', 'worker_main') $$,
  $$ values ('00000000-0000-4000-8000-00000000a001'::uuid, 'wk_reg'::text, 'worker_main'::text,
             now(), null::timestamptz, now()) $$,
  'returns the new worker');
select results_eq(
  $$ select queue_name, function_name, started_at, stopped_at, last_heartbeat_at
       from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a001' $$,
  $$ values ('wk_reg'::text, 'worker_main'::text, now(), null::timestamptz, now()) $$,
  'stores one worker row');
select lives_ok($$ select pgflow.register_worker(worker_id => '00000000-0000-4000-8000-00000000a002',
                                                 queue_name => 'wk_reg', function_name => 'other') $$,
  'arguments by name');

select * from finish();
rollback;
