begin;
select plan(5);

select pgflow.create_flow('cd_diff');
select pgflow.add_step('cd_diff', 'a');
select pgflow.add_step('cd_diff', 'b', array['a'], run_if => '{"a": {"ok": true}}');

select throws_ok($$ select pgflow.add_step('cd_diff', 'b', array['a'], run_if => '{"a": {"ok": false}}') $$,
  '42710', 'step "b" already exists in flow "cd_diff" with another definition: run_if {"a": {"ok": true}} -> {"a": {"ok": false}}',
  'another run_if is a listed difference');
select throws_ok($$ select pgflow.add_step('cd_diff', 'b', array['a']) $$,
  '42710', 'step "b" already exists in flow "cd_diff" with another definition: run_if {"a": {"ok": true}} -> none',
  'dropping the condition is a difference');
select throws_ok($$ select pgflow.add_step('cd_diff', 'b', array['a'], run_if => '{"a": {"ok": true}}',
                                           run_unless => '{"run": {}}', when_unmet => 'fail') $$,
  '42710', 'step "b" already exists in flow "cd_diff" with another definition: run_unless none -> {"run": {}}, when_unmet skip -> fail',
  'run_unless and when_unmet differences are listed together');
select throws_ok($$ select pgflow.add_step('cd_diff', 'a', timeout => 5, run_if => '{"run": 1}') $$,
  '42710', 'step "a" already exists in flow "cd_diff" with another definition: timeout default -> 5, run_if none -> {"run": 1}',
  'along with the other differences');
select results_eq($$ select run_if, run_unless, when_unmet from pgflow.steps where flow_slug = 'cd_diff' and step_slug = 'b' $$,
  $$ values ('{"a": {"ok": true}}'::jsonb, null::jsonb, 'skip'::text) $$, 'the step is unchanged');

select * from finish();
rollback;
