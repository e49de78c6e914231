-- heartbeat_worker(worker_id): a null worker_id is 22004 naming it, with a hint (never
-- 'worker "NULL" is not registered'), before anything is read; no worker changes.
begin;
select plan(3);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select pgflow.create_flow('heartbeat_worker_nulls');
select pgflow.register_worker(gen_random_uuid(), 'heartbeat_worker_nulls', 'w');
create temp table heartbeat_worker_nulls_workers as select * from pgflow.workers;

select throws_ok($$ select pgflow.heartbeat_worker(null) $$, '22004', 'worker_id must not be null', 'worker_id null');
select isnt(pg_temp.hint_of($$ select pgflow.heartbeat_worker(null) $$), null, 'with a hint');
select set_eq($$ select * from pgflow.workers $$, $$ select * from heartbeat_worker_nulls_workers $$, 'no worker changed');

select * from finish();
rollback;
