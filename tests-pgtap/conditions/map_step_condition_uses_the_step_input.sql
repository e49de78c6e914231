begin;
select plan(10);

-- A map step's condition is tested once, on the step-level input, not per element.
select pgflow.create_flow('cd_map');
select pgflow.add_step('cd_map', 'list');
select pgflow.add_step('cd_map', 'each', array['list'], step_type => 'map',
                       run_if => '{"run": {"enabled": true}}');
select pgflow.add_step('cd_map', 'after', array['each']);

select run_id as r1 from pgflow.start_flow('cd_map', '{"enabled": true}') \gset
select pgflow_tests.run_task(:'r1', 'list', '[1, 2, 3]');
select results_eq(format($$ select status, initial_tasks from pgflow.step_states where run_id = %L and step_slug = 'each' $$, :'r1'),
  $$ values ('started'::text, 3) $$, 'met: the map starts one task per element');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'r1'), 'invariants hold (met)');

select run_id as r2 from pgflow.start_flow('cd_map', '{"enabled": false}') \gset
select pgflow_tests.run_task(:'r2', 'list', '[1, 2, 3]');
select results_eq(format($$ select step_slug, status, skip_reason from pgflow.step_states where run_id = %L order by step_slug $$, :'r2'),
  $$ values ('after'::text, 'started'::text, null::text), ('each', 'skipped', 'condition_unmet'), ('list', 'completed', null) $$,
  'unmet: the whole map is skipped, with no task; its dependent runs');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'r2' and step_slug = 'each'), 0, 'no map task');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'r2'), 'invariants hold (unmet)');

-- An empty array with an unmet condition: skipped, not completed with [].
select run_id as r3 from pgflow.start_flow('cd_map', '{}') \gset
select pgflow_tests.run_task(:'r3', 'list', '[]');
select is((select status from pgflow.step_states where run_id = :'r3' and step_slug = 'each'), 'skipped',
  'a map over [] whose condition is unmet is skipped');

-- A map whose dependency was skipped has nothing to map over: skipped too.
select pgflow.create_flow('cd_map2');
select pgflow.add_step('cd_map2', 'list', run_if => '{"run": {"go": true}}');
select pgflow.add_step('cd_map2', 'each', array['list'], step_type => 'map');
select pgflow.add_step('cd_map2', 'tail', array['each']);
select run_id as r4 from pgflow.start_flow('cd_map2', '{}') \gset
select results_eq(format($$ select step_slug, status, skip_reason from pgflow.step_states where run_id = %L order by step_slug $$, :'r4'),
  $$ values ('each'::text, 'skipped'::text, 'dependency_skipped'::text), ('list', 'skipped', 'condition_unmet'),
            ('tail', 'started', null) $$,
  'the map over a skipped step is skipped (dependency_skipped); its single dependent runs');
select is((select input from pgflow_tests.read_and_start('cd_map2') as t where t.run_id = :'r4'), '{"run": {}}'::jsonb,
  'with neither skipped key in its input');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'r4'), 'invariants hold (dependency skipped)');

-- A root map tests the run input.
select pgflow.create_flow('cd_map3');
select pgflow.add_step('cd_map3', 'each', step_type => 'map', run_unless => '{"run": [0]}');
select run_id as r5 from pgflow.start_flow('cd_map3', '[3, 0, 4]') \gset
select results_eq(format($$ select status, skip_reason from pgflow.step_states where run_id = %L $$, :'r5'),
  $$ values ('skipped'::text, 'condition_unmet'::text) $$,
  'a root map tests {"run": <array>} once: an array containing 0 skips the whole map');

select * from finish();
rollback;
