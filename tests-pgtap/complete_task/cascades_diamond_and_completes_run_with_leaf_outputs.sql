begin;
select plan(14);

-- root -> (left, right) -> join; plus "side" after root, a second leaf.
select pgflow.create_flow('ct_diamond', 3, 0, 60);
select pgflow.add_step('ct_diamond', 'root');
select pgflow.add_step('ct_diamond', 'left', array['root']);
select pgflow.add_step('ct_diamond', 'right', array['root']);
select pgflow.add_step('ct_diamond', 'join', array['left', 'right']);
select pgflow.add_step('ct_diamond', 'side', array['root']);
select run_id as rid from pgflow.start_flow('ct_diamond', '{"x": 1}') \gset

select is((select step_slug from pgflow_tests.read_and_start('ct_diamond')), 'root', 'only root is queued at first');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'root', 0, '{"r": 1}')), 1, 'root completes');
select results_eq(format($$ select step_slug, status, remaining_deps from pgflow.step_states
                             where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('join'::text, 'created'::text, 2), ('left', 'started', 0), ('right', 'started', 0),
            ('root', 'completed', 0), ('side', 'started', 0) $$,
  'its three dependents are queued; join still waits for two');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 4, 'remaining_steps counts down');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after root');

create temp table ct_started as select * from pgflow_tests.read_and_start('ct_diamond');
select is((select count(*)::integer from ct_started), 3, 'left, right and side start');
select is((select input from ct_started where step_slug = 'left'), '{"run": {"x": 1}, "root": {"r": 1}}'::jsonb,
  'a dependent gets the run input and its dependency''s output');

select pgflow.complete_task(:'rid', 'left', 0, '"L"');
select is((select remaining_deps from pgflow.step_states where run_id = :'rid' and step_slug = 'join'), 1,
  'join waits for right');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'join'), 0,
  'join has no task yet');
select pgflow.complete_task(:'rid', 'right', 0, '"R"');
select is((select input from pgflow_tests.read_and_start('ct_diamond')),
  '{"run": {"x": 1}, "left": "L", "right": "R"}'::jsonb, 'join starts once both are done, with both outputs');
select pgflow.complete_task(:'rid', 'join', 0, '{"j": true}');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run waits for its other leaf');

select pgflow.complete_task(:'rid', 'side', 0, '[1, 2]');
select results_eq(format($$ select status, remaining_steps, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, 0, '{"join": {"j": true}, "side": [1, 2]}'::jsonb) $$,
  'the run completes; its output holds the leaf steps'' outputs only');
select isnt((select completed_at from pgflow.runs where run_id = :'rid'), null, 'completed_at is set');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
