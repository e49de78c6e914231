-- get_flow_shape(null): 22004 naming the argument, with a hint, never
-- "flow does not exist".
begin;
select plan(2);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select throws_ok($$ select pgflow.get_flow_shape(null) $$, '22004', 'flow slug must not be null', 'flow_slug null');
select isnt(pg_temp.hint_of($$ select pgflow.get_flow_shape(null) $$), null, 'with a hint');

select * from finish();
rollback;
