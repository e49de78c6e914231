begin;
select plan(22);

-- pgflow.workers: the contract's columns, types, nullability and defaults.
select has_table('pgflow', 'workers', 'table pgflow.workers exists');
select columns_are('pgflow', 'workers',
  array['worker_id', 'queue_name', 'function_name', 'started_at', 'stopped_at', 'last_heartbeat_at'],
  'pgflow.workers has the documented columns');
select col_is_pk('pgflow', 'workers', 'worker_id', 'worker_id is the primary key');

select col_type_is('pgflow', 'workers', 'worker_id', 'uuid', 'worker_id is uuid');
select col_type_is('pgflow', 'workers', 'queue_name', 'text', 'queue_name is text');
select col_type_is('pgflow', 'workers', 'function_name', 'text', 'function_name is text');
select col_type_is('pgflow', 'workers', 'started_at', 'timestamp with time zone', 'started_at is timestamptz');
select col_type_is('pgflow', 'workers', 'stopped_at', 'timestamp with time zone', 'stopped_at is timestamptz');
select col_type_is('pgflow', 'workers', 'last_heartbeat_at', 'timestamp with time zone', 'last_heartbeat_at is timestamptz');

select col_not_null('pgflow', 'workers', 'worker_id', 'worker_id is not null');
select col_not_null('pgflow', 'workers', 'queue_name', 'queue_name is not null');
select col_not_null('pgflow', 'workers', 'function_name', 'function_name is not null');
select col_not_null('pgflow', 'workers', 'started_at', 'started_at is not null');
select col_not_null('pgflow', 'workers', 'last_heartbeat_at', 'last_heartbeat_at is not null');
select col_is_null('pgflow', 'workers', 'stopped_at', 'stopped_at is nullable');

select col_default_is('pgflow', 'workers', 'started_at', 'now()', 'started_at defaults to now()');
select col_default_is('pgflow', 'workers', 'last_heartbeat_at', 'now()', 'last_heartbeat_at defaults to now()');
select col_hasnt_default('pgflow', 'workers', 'stopped_at', 'stopped_at has no default');
select col_hasnt_default('pgflow', 'workers', 'worker_id', 'worker_id has no default');

-- The contract's own registration example: a plain insert with the defaults.
select lives_ok($$ insert into pgflow.workers (worker_id, queue_name, function_name)
                   values ('00000000-0000-4000-8000-5c0000000001', 'sch_wk', 'worker_main') $$,
  'a worker row can be inserted with only id, queue and function');
select results_eq($$ select started_at = now(), last_heartbeat_at = now(), stopped_at is null from pgflow.workers
                     where worker_id = '00000000-0000-4000-8000-5c0000000001' $$,
  $$ values (true, true, true) $$, 'started_at and last_heartbeat_at default to now, stopped_at to null');
select throws_ok($$ update pgflow.workers set stopped_at = started_at - interval '1 second'
                    where worker_id = '00000000-0000-4000-8000-5c0000000001' $$,
  '23514', null, 'stopped_at before started_at is refused');

select * from finish();
rollback;
