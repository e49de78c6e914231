-- get_run_with_states(null): 22004 naming run_id, with a hint, never
-- 'run "NULL" does not exist'.
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

select throws_ok($$ select pgflow.get_run_with_states(null) $$, '22004', 'run_id must not be null', 'run_id null');
select isnt(pg_temp.hint_of($$ select pgflow.get_run_with_states(null) $$), null, 'with a hint');
select is((select prosecdef from pg_proc where oid = 'pgflow.get_run_with_states(uuid)'::regprocedure), false,
  'still an invoker function');

select * from finish();
rollback;
