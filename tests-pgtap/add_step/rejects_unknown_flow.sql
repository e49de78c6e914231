-- A step of an unknown flow raises what upstream pgflow 0.8.1's steps foreign
-- key raises (its callers match "steps_flow_slug_fkey"); the detail names the flow.
begin;
select plan(5);

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

select throws_ok($$ select pgflow.add_step('as_no_such_flow', 'a') $$,
  '23503', 'insert or update on table "steps" violates foreign key constraint "steps_flow_slug_fkey"',
  'without dependencies: unknown flow');
select is(pg_temp.error_of($$ select pgflow.add_step('as_no_such_flow', 'a') $$),
  jsonb_build_object('sqlstate', '23503', 'detail', 'flow "as_no_such_flow" does not exist',
                     'hint', 'Create it first with pgflow.create_flow().',
                     'constraint', 'steps_flow_slug_fkey', 'table', 'steps', 'schema', 'pgflow'),
  'the detail names the flow');
select is(pg_temp.error_of($$ select pgflow.add_step('as_no_such_flow', 'b', array['a']) $$) ->> 'detail',
  'flow "as_no_such_flow" does not exist', 'with dependencies: unknown flow');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'as_no_such_flow' $$, 'no step was added');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'as_no_such_flow' $$, 'no flow was created on the way');

select * from finish();
rollback;
