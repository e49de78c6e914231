-- register_worker(worker_id, queue_name, function_name): each null argument
-- is 22004 with a hint, checked before anything is read (a role that may work
-- no flow gets it too, not a privilege error); no worker row changes.
begin;
select plan(7);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select pgflow.create_flow('rw_nulls');
select pgflow.register_worker('00000000-0000-4000-8000-00000000a0b1', 'rw_nulls', 'w');
create temp table rw_nulls_workers as select * from pgflow.workers where queue_name = 'rw_nulls';

select throws_ok($$ select pgflow.register_worker(null, 'rw_nulls', 'w') $$,
  '22004', 'worker_id, queue_name and function_name must not be null', 'worker_id null');
select throws_ok($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a0b1', null, 'w') $$,
  '22004', 'worker_id, queue_name and function_name must not be null', 'queue_name null');
select throws_ok($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a0b1', 'rw_nulls', null) $$,
  '22004', 'worker_id, queue_name and function_name must not be null', 'function_name null');
select isnt(pg_temp.hint_of($$ select pgflow.register_worker(null, null, null) $$), null, 'with a hint');

-- A role with execute on register_worker but no flow: the null, not its rights.
select pgflow_tests.new_role('rw_nulls') as role \gset
select format('grant usage on schema pgflow to %I', :'role') \gexec
select format('grant execute on function pgflow.register_worker(uuid, text, text) to %I', :'role') \gexec
select is(pgflow_tests.as_role(:'role',
            $$ select 1 from pgflow.register_worker('00000000-0000-4000-8000-00000000a0b1', 'rw_nulls', null) $$),
  'ERROR 22004: worker_id, queue_name and function_name must not be null', 'checked before the caller''s rights');

select results_eq($$ select * from pgflow.workers where queue_name = 'rw_nulls' $$,
  $$ select * from rw_nulls_workers $$, 'the registered worker is unchanged');
select is_empty($$ select 1 from pgflow.workers where function_name is null or queue_name is null $$, 'no row of nulls');

select * from finish();
rollback;
