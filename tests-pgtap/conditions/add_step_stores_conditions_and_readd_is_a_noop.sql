begin;
select plan(6);

select pgflow.create_flow('cd_store');
select pgflow.add_step('cd_store', 'a');
select results_eq($$ select run_if, run_unless, when_unmet
                       from pgflow.add_step('cd_store', 'b', array['a'], run_if => '{"a": {"k": [1, 2]}}',
                                            run_unless => '{"run": {"off": true}}', when_unmet => 'skip_cascade') $$,
  $$ values ('{"a": {"k": [1, 2]}}'::jsonb, '{"run": {"off": true}}'::jsonb, 'skip_cascade'::text) $$,
  'add_step stores and returns the conditions');
select results_eq($$ select run_if, run_unless, when_unmet from pgflow.steps where flow_slug = 'cd_store' and step_slug = 'a' $$,
  $$ values (null::jsonb, null::jsonb, 'skip'::text) $$, 'no condition: nulls and when_unmet skip');
select lives_ok($$ select pgflow.add_step('cd_store', 'b', array['a'], run_if => '{"a": {"k": [1, 2]}}',
                                          run_unless => '{"run": {"off": true}}', when_unmet => 'skip_cascade') $$,
  'the same step again is a no-op');
select lives_ok($$ select pgflow.add_step('cd_store', 'b', array['a'], run_if => '{ "a" : { "k" : [1,2] } }',
                                          run_unless => '{"run": {"off": true}}', when_unmet => 'skip_cascade') $$,
  'the same pattern written differently is the same jsonb: still a no-op');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'cd_store'), 2, 'nothing was added');
select run_id as rid from pgflow.start_flow('cd_store', '{}') \gset
select lives_ok($$ select pgflow.add_step('cd_store', 'a') $$, 'an identical re-add on a flow with runs stays a no-op');

select * from finish();
rollback;
