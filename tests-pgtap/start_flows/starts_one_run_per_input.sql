-- start_flows starts one run per element of the inputs array, in their order,
-- each exactly as start_flow would.
begin;
select plan(6);

select pgflow.create_flow('sfs_many');
select pgflow.add_step('sfs_many', 'a');
select pgflow.add_step('sfs_many', 'b', array['a']);

create temp table got as select * from pgflow.start_flows('sfs_many', '[{"n": 1}, {"n": 2}, 3, null]');
select is((select count(*)::integer from got), 4, 'four inputs, four runs');
select is((select array_agg(input order by started_at, run_id) from pgflow.runs where flow_slug = 'sfs_many')::text is not null, true,
  'the runs exist');
select set_eq($$ select input from got $$, $$ values ('{"n": 1}'::jsonb), ('{"n": 2}'), ('3'), ('null') $$,
  'each input became a run (JSON null included)');
select is((select count(*)::integer from pgflow.step_tasks where flow_slug = 'sfs_many' and step_slug = 'a' and status = 'queued'), 4,
  'each run queued its root step');
select is((select count(*)::integer from pgflow.start_flows('sfs_many', '[]')), 0, 'an empty array starts nothing');
select is_empty($$ select i.* from got, pgflow_tests.invariants(got.run_id) as i $$, 'invariants hold for every run');

select * from finish();
rollback;
