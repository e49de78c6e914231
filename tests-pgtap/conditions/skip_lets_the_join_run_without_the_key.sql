begin;
select plan(12);

-- a -> b (run_if a.ok) -> j <- c <- a: b is skipped, j runs with a... and c only.
select pgflow.create_flow('cd_skip');
select pgflow.add_step('cd_skip', 'a');
select pgflow.add_step('cd_skip', 'b', array['a'], run_if => '{"a": {"ok": true}}');
select pgflow.add_step('cd_skip', 'c', array['a']);
select pgflow.add_step('cd_skip', 'j', array['b', 'c']);
select run_id as rid from pgflow.start_flow('cd_skip', '{"n": 1}') \gset
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold after start');

select pgflow_tests.run_task(:'rid', 'a', '{"ok": false}');
select results_eq(format($$ select step_slug, status, skip_reason from pgflow.step_states
                             where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('a'::text, 'completed'::text, null::text), ('b', 'skipped', 'condition_unmet'),
            ('c', 'started', null), ('j', 'created', null) $$,
  'b is skipped with condition_unmet when a outputs ok = false; c is started');
select isnt((select skipped_at from pgflow.step_states where run_id = :'rid' and step_slug = 'b'), null,
  'b has its skipped_at');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b'), 0,
  'a skipped step has no task');
select is((select remaining_deps from pgflow.step_states where run_id = :'rid' and step_slug = 'j'), 1,
  'j waits for c only: the skipped b settled');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 2, 'the run counts b as done');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold after the skip');

select pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{"c": 3}')
  from pgflow_tests.read_and_start('cd_skip') as t where t.step_slug = 'c';
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold after c');

select is((select input from pgflow_tests.read_and_start('cd_skip') as t where t.step_slug = 'j'),
  '{"run": {"n": 1}, "c": {"c": 3}}'::jsonb, 'j runs, its input has no key for the skipped b');
select pgflow_tests.run_task(:'rid', 'j', '"done"');
select is((select status from pgflow.runs where run_id = :'rid'), 'completed', 'the run completes');
select is((select output from pgflow.runs where run_id = :'rid'), '{"j": "done"}'::jsonb, 'with the leaf j');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
