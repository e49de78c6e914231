-- An unknown step_type raises what upstream pgflow 0.8.1's steps table raises
-- (its callers match "steps_step_type_check"); the detail names the value.
begin;
select plan(6);

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

select pgflow.create_flow('as_type');
select throws_ok($$ select pgflow.add_step('as_type', 'a', step_type => 'parallel') $$,
  '23514', 'new row for relation "steps" violates check constraint "steps_step_type_check"',
  'an unknown step_type is refused');
select is(pg_temp.error_of($$ select pgflow.add_step('as_type', 'a', step_type => 'parallel') $$) - 'hint',
  jsonb_build_object('sqlstate', '23514', 'detail', 'invalid step_type "parallel" for step "a"',
                     'constraint', 'steps_step_type_check', 'table', 'steps', 'schema', 'pgflow'),
  'the detail names the value and the step');
select isnt(pg_temp.error_of($$ select pgflow.add_step('as_type', 'a', step_type => 'parallel') $$) ->> 'hint', null,
  'with a hint');
select is(pg_temp.error_of($$ select pgflow.add_step('as_type', 'a', step_type => null) $$) ->> 'detail',
  'invalid step_type "NULL" for step "a"', 'a null step_type is refused');
select is(pg_temp.error_of($$ select pgflow.add_step('as_type', 'a', step_type => 'Map') $$) ->> 'detail',
  'invalid step_type "Map" for step "a"', 'step_type is case-sensitive');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'as_type' $$, 'no step was added');

select * from finish();
rollback;
