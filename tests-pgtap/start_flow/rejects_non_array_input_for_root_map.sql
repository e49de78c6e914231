-- A root map step maps over the run input, which must then be an array. The
-- error is upstream pgflow 0.8.1's (P0001 and its words: its callers match
-- both); the detail names the step, the hint says what to pass.
begin;
select plan(12);

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

select pgflow.create_flow('sf_rootmap');
select pgflow.add_step('sf_rootmap', 'prep');
select pgflow.add_step('sf_rootmap', 'each', step_type => 'map');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', '{"items": [1, 2]}') $$,
  'P0001', 'Flow sf_rootmap has root map steps but input is not an array (got object)', 'an object');
select is(pg_temp.error_of($$ select pgflow.start_flow('sf_rootmap', '{"items": [1, 2]}') $$) - 'constraint' - 'table' - 'schema',
  jsonb_build_object('sqlstate', 'P0001',
                     'detail', 'input of flow "sf_rootmap" must be an array: step "each" maps over it, got object',
                     'hint', 'Start the run with a JSON array; each element becomes one task of the map step.'),
  'the detail names the step that maps over the input, the hint says what to pass');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', '"abc"') $$,
  'P0001', 'Flow sf_rootmap has root map steps but input is not an array (got string)', 'a string');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', '42') $$,
  'P0001', 'Flow sf_rootmap has root map steps but input is not an array (got number)', 'a number');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', 'null'::jsonb) $$,
  'P0001', 'Flow sf_rootmap has root map steps but input is not an array (got null)', 'JSON null');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', null) $$,
  'P0001', 'Flow sf_rootmap has root map steps but input is NULL', 'SQL NULL');
select is(pg_temp.error_of($$ select pgflow.start_flow('sf_rootmap', null) $$) ->> 'detail',
  'input of flow "sf_rootmap" must be an array: step "each" maps over it, got NULL', 'its detail');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', null, idempotency_key => 'k1') $$,
  'P0001', 'Flow sf_rootmap has root map steps but input is NULL', 'SQL NULL with an idempotency key');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sf_rootmap' $$, 'no run was created');
select is_empty($$ select 1 from pgflow.step_states where flow_slug = 'sf_rootmap' $$, 'no step state was created');
select is_empty($$ select 1 from pgflow.step_tasks where flow_slug = 'sf_rootmap' $$, 'no task was created');
select is(cardinality(pgflow_tests.queue_message_ids('sf_rootmap')), 0, 'nothing was queued (not even the single root step)');

select * from finish();
rollback;
