-- start_flow(flow_slug, input, run_id): a null flow_slug or input is 22004
-- naming it, with a hint, and nothing is created. run_id null is meaningful:
-- a new id.
begin;
select plan(9);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select pgflow.create_flow('sf_nulls');
select pgflow.add_step('sf_nulls', 'a');

select throws_ok($$ select pgflow.start_flow(null, '{}') $$, '22004', 'flow slug must not be null', 'flow_slug null');
select throws_ok($$ select pgflow.start_flow('sf_nulls', null) $$,
  '22004', 'input of a run of flow "sf_nulls" must not be null', 'input null');
select throws_ok($$ select pgflow.start_flow(null, null, null) $$, '22004', 'flow slug must not be null',
  'all null: the first argument is named');
select isnt(pg_temp.hint_of($$ select pgflow.start_flow(null, '{}') $$), null, 'flow_slug null: with a hint');
select isnt(pg_temp.hint_of($$ select pgflow.start_flow('sf_nulls', null) $$), null, 'input null: with a hint');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sf_nulls' $$, 'no run was created');
select is(cardinality(pgflow_tests.queue_message_ids('sf_nulls')), 0, 'nothing was queued');

select isnt((select run_id from pgflow.start_flow('sf_nulls', '{}', null)), null, 'run_id null: a new id is made');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sf_nulls'), 1, 'and one run started');

select * from finish();
rollback;
