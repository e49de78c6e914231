-- An invalid flow slug raises what upstream pgflow 0.8.1's flows table raises
-- (check_violation "slug_is_valid": its callers match the text); the detail
-- names the slug, the hint says what a slug is. No flow row, no queue.
begin;
select plan(9);

create function pg_temp.error_of(sql text) returns jsonb language plpgsql as $f$
declare v_state text; v_detail text; v_hint text; v_constraint text; v_table text; v_schema text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_detail = pg_exception_detail, v_hint = pg_exception_hint,
                          v_constraint = constraint_name, v_table = table_name, v_schema = schema_name;
  return jsonb_build_object('sqlstate', v_state, 'detail', v_detail, 'hint', v_hint,
                            'constraint', v_constraint, 'table', v_table, 'schema', v_schema);
end $f$;

select throws_ok($$ select pgflow.create_flow('1flow') $$, '23514',
  'new row for relation "flows" violates check constraint "slug_is_valid"', 'leading digit');
select is(pg_temp.error_of($$ select pgflow.create_flow('cf-bad') $$),
  jsonb_build_object('sqlstate', '23514', 'detail', 'invalid flow slug "cf-bad"',
                     'hint', 'Slugs match ^[a-zA-Z_][a-zA-Z0-9_]*$ and are at most 128 characters.',
                     'constraint', 'slug_is_valid', 'table', 'flows', 'schema', 'pgflow'),
  'dash: the detail names the slug');
select is(pg_temp.error_of($$ select pgflow.create_flow('cf bad') $$) ->> 'detail', 'invalid flow slug "cf bad"', 'space');
select is(pg_temp.error_of($$ select pgflow.create_flow('') $$) ->> 'detail', 'invalid flow slug ""', 'empty');
select is(pg_temp.error_of($$ select pgflow.create_flow('cf_é') $$) ->> 'detail', 'invalid flow slug "cf_é"',
  'non-ASCII letter');
select is_empty($$ select 1 from pgflow.flows where flow_slug in ('1flow', 'cf-bad', 'cf bad', '', 'cf_é') $$,
  'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name in ('1flow', 'cf-bad', 'cf bad', '', 'cf_é') $$,
  'no queue was created');
select hasnt_table('pgmq', 'q_1flow', 'no queue table was created');
select is_empty($$ select * from pgflow.check_invariants() $$, 'invariants hold');

select * from finish();
rollback;
