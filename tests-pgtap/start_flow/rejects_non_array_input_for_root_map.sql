begin;
select plan(8);

-- A root map step maps over the run input, which must then be an array.
select pgflow.create_flow('sf_rootmap');
select pgflow.add_step('sf_rootmap', 'prep');
select pgflow.add_step('sf_rootmap', 'each', step_type => 'map');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', '{"items": [1, 2]}') $$,
  '22023', 'input of flow "sf_rootmap" must be an array: step "each" maps over it, got object', 'an object');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', '"abc"') $$,
  '22023', 'input of flow "sf_rootmap" must be an array: step "each" maps over it, got string', 'a string');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', '42') $$,
  '22023', 'input of flow "sf_rootmap" must be an array: step "each" maps over it, got number', 'a number');
select throws_ok($$ select pgflow.start_flow('sf_rootmap', 'null'::jsonb) $$,
  '22023', 'input of flow "sf_rootmap" must be an array: step "each" maps over it, got null', 'JSON null');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sf_rootmap' $$, 'no run was created');
select is_empty($$ select 1 from pgflow.step_states where flow_slug = 'sf_rootmap' $$, 'no step state was created');
select is_empty($$ select 1 from pgflow.step_tasks where flow_slug = 'sf_rootmap' $$, 'no task was created');
select is(cardinality(pgflow_tests.queue_message_ids('sf_rootmap')), 0, 'nothing was queued (not even the single root step)');

select * from finish();
rollback;
