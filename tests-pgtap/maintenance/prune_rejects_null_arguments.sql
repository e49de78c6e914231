-- prune(null): 22004 naming older_than, with a hint; no run is deleted.
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

select pgflow.create_flow('prune_nulls');
select pgflow.add_step('prune_nulls', 'a');
select run_id as run from pgflow.start_flow('prune_nulls', '{}') \gset
select pgflow_tests.drive('prune_nulls');
update pgflow.runs set started_at = started_at - interval '31 days', completed_at = completed_at - interval '30 days'
 where run_id = :'run';

select throws_ok($$ select pgflow.prune(null) $$, '22004', 'older_than must not be null', 'older_than null');
select isnt(pg_temp.hint_of($$ select pgflow.prune(null) $$), null, 'with a hint');
select is((select count(*)::integer from pgflow.runs where run_id = :'run'), 1, 'the old finished run is still there');

select * from finish();
rollback;
