-- "run" is no slug (is_valid_slug): it raises what an invalid slug raises
-- (upstream pgflow 0.8.1's flows check), with a detail and hint of its own.
begin;
select plan(4);

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

select throws_ok($$ select pgflow.create_flow('run') $$, '23514',
  'new row for relation "flows" violates check constraint "slug_is_valid"', '"run" is reserved');
select is(pg_temp.error_of($$ select pgflow.create_flow('run') $$) ->> 'detail', 'flow slug "run" is reserved',
  'the detail says so');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'run' $$, 'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'run' $$, 'no queue was created');

select * from finish();
rollback;
