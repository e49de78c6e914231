-- A step depending on itself raises what upstream pgflow 0.8.1's deps table
-- raises (its callers match "deps_check"); the detail names the step.
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

select pgflow.create_flow('as_self');
select pgflow.add_step('as_self', 'a');
select throws_ok($$ select pgflow.add_step('as_self', 'b', array['b']) $$,
  '23514', 'new row for relation "deps" violates check constraint "deps_check"',
  'a new step depending on itself is refused');
select is(pg_temp.error_of($$ select pgflow.add_step('as_self', 'b', array['b']) $$),
  jsonb_build_object('sqlstate', '23514', 'detail', 'step "b" cannot depend on itself',
                     'hint', 'A flow is a directed acyclic graph: a step depends only on steps added before it.',
                     'constraint', 'deps_check', 'table', 'deps', 'schema', 'pgflow'),
  'the detail names the step, the hint says why');
select is(pg_temp.error_of($$ select pgflow.add_step('as_self', 'c', array['a', 'c']) $$) ->> 'detail',
  'step "c" cannot depend on itself', 'also among other dependencies');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_self' $$,
  $$ values ('a'::text) $$, 'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_self' $$, 'no deps row was added');
select is_empty($$ select * from pgflow.check_invariants() $$, 'invariants hold');

select * from finish();
rollback;
