-- start_flows(flow_slug, inputs): a null argument is 22004 naming it, with a
-- hint (never "must be a JSON array, got NULL"), and no run starts.
begin;
select plan(6);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select pgflow.create_flow('sfs_nulls');
select pgflow.add_step('sfs_nulls', 'a');

select throws_ok($$ select pgflow.start_flows(null, '[{}]') $$, '22004', 'flow slug must not be null', 'flow_slug null');
select throws_ok($$ select pgflow.start_flows('sfs_nulls', null) $$,
  '22004', 'inputs of runs of flow "sfs_nulls" must not be null', 'inputs null');
select throws_ok($$ select pgflow.start_flows(null, null) $$, '22004', 'flow slug must not be null',
  'both null: the first argument is named');
select isnt(pg_temp.hint_of($$ select pgflow.start_flows(null, '[{}]') $$), null, 'flow_slug null: with a hint');
select alike(pg_temp.hint_of($$ select pgflow.start_flows('sfs_nulls', null) $$), '%one element per run%',
  'inputs null: the hint says what to pass');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sfs_nulls' $$, 'no run was created');

select * from finish();
rollback;
