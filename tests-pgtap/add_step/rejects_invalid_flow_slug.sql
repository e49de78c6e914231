-- An invalid flow slug raises what upstream pgflow 0.8.1's flows table
-- raises (its callers match the text); the detail names the slug.
begin;
select plan(3);

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

select throws_ok($$ select pgflow.add_step(null, 'a') $$, '22004', 'flow slug must not be null', 'a null flow slug');
select throws_ok($$ select pgflow.add_step('as-bad', 'a') $$, '23514',
  'new row for relation "flows" violates check constraint "slug_is_valid"', 'an invalid flow slug');
select is(pg_temp.error_of($$ select pgflow.add_step('as-bad', 'a') $$) ->> 'detail', 'invalid flow slug "as-bad"',
  'the detail names it');

select * from finish();
rollback;
