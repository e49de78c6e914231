-- An unknown dependency raises what upstream pgflow 0.8.1's deps foreign key
-- raises (its callers match "deps_flow_slug_dep_slug_fkey"; there are no
-- foreign keys between pgflow's tables here); the detail names the step.
begin;
select plan(7);

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

select pgflow.create_flow('as_unk');
select pgflow.add_step('as_unk', 'extract');
select throws_ok($$ select pgflow.add_step('as_unk', 'load', array['transform']) $$,
  '23503', 'insert or update on table "deps" violates foreign key constraint "deps_flow_slug_dep_slug_fkey"',
  'an unknown dependency is refused');
select is(pg_temp.error_of($$ select pgflow.add_step('as_unk', 'load', array['transform']) $$),
  jsonb_build_object('sqlstate', '23503', 'detail', 'step "transform" does not exist in flow "as_unk"',
                     'hint', 'Add dependencies before the steps that use them.',
                     'constraint', 'deps_flow_slug_dep_slug_fkey', 'table', 'deps', 'schema', 'pgflow'),
  'the detail names the step and the flow');
select is(pg_temp.error_of($$ select pgflow.add_step('as_unk', 'load', array['extract', 'nope_b', 'nope_a']) $$) ->> 'detail',
  'step "nope_b" does not exist in flow "as_unk"', 'the first unknown one in list order is named');
select pgflow.create_flow('as_unk_other');
select pgflow.add_step('as_unk_other', 'elsewhere');
select is(pg_temp.error_of($$ select pgflow.add_step('as_unk', 'load', array['elsewhere']) $$) ->> 'detail',
  'step "elsewhere" does not exist in flow "as_unk"', 'a step of another flow is unknown here');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_unk' $$,
  $$ values ('extract'::text) $$, 'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_unk' $$, 'no deps row was added');
select is_empty($$ select * from pgflow.check_invariants() $$, 'invariants hold');

select * from finish();
rollback;
