begin;
select plan(8);

-- r -> x (skip_cascade) -> {l, m} -> z <- y <- r; also w <- {x, y}: all downstream of x is skipped.
select pgflow.create_flow('cd_casc');
select pgflow.add_step('cd_casc', 'r');
select pgflow.add_step('cd_casc', 'x', array['r'], run_if => '{"run": {"go": true}}', when_unmet => 'skip_cascade');
select pgflow.add_step('cd_casc', 'y', array['r']);
select pgflow.add_step('cd_casc', 'l', array['x']);
select pgflow.add_step('cd_casc', 'm', array['x']);
select pgflow.add_step('cd_casc', 'z', array['l', 'm']);
select pgflow.add_step('cd_casc', 'w', array['x', 'y']);
select run_id as rid from pgflow.start_flow('cd_casc', '{"go": false}') \gset
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold after start');

select pgflow_tests.run_task(:'rid', 'r', '{}');
select results_eq(format($$ select step_slug, status, skip_reason from pgflow.step_states
                             where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('l'::text, 'skipped'::text, 'dependency_skipped'::text), ('m', 'skipped', 'dependency_skipped'),
            ('r', 'completed', null), ('w', 'skipped', 'dependency_skipped'), ('x', 'skipped', 'condition_unmet'),
            ('y', 'started', null), ('z', 'skipped', 'dependency_skipped') $$,
  'x and everything downstream of it is skipped, w too though it also waits for y');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 1, 'only y remains');
select is((select remaining_deps from pgflow.step_states where run_id = :'rid' and step_slug = 'w'), 1,
  'w still counts y as unsettled');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold after the cascade');

select pgflow_tests.drive('cd_casc');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{}'::jsonb) $$, 'the run completes; every leaf was skipped, so its output is {}');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'w'), 'skipped',
  'w stays skipped after y completes');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
