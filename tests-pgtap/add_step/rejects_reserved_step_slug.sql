-- A task input keeps the run input under "run": no step may be called so.
-- is_valid_slug refuses it, so it raises what an invalid slug raises
-- (upstream pgflow 0.8.1's steps check), with a detail and hint of its own.
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

select pgflow.create_flow('as_run');
select throws_ok($$ select pgflow.add_step('as_run', 'run') $$, '23514',
  'new row for relation "steps" violates check constraint "steps_step_slug_check"', 'without dependencies');
select is(pg_temp.error_of($$ select pgflow.add_step('as_run', 'run') $$) - 'constraint' - 'table' - 'schema',
  jsonb_build_object('sqlstate', '23514', 'detail', 'step slug "run" is reserved',
                     'hint', 'A task input keeps the run input under "run"; choose another slug.'),
  'the detail and hint say why');
select pgflow.add_step('as_run', 'a');
select is(pg_temp.error_of($$ select pgflow.add_step('as_run', 'run', array['a']) $$) ->> 'detail',
  'step slug "run" is reserved', 'with dependencies');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_run' $$, $$ values ('a'::text) $$,
  'no step "run" was added');

select * from finish();
rollback;
