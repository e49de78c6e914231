begin;
select plan(6);

select pgflow.create_flow('cd_root');
select pgflow.add_step('cd_root', 'vip', run_if => '{"run": {"tier": "gold"}}');
select pgflow.add_step('cd_root', 'all');
select pgflow.add_step('cd_root', 'greet', array['vip', 'all']);

select run_id as r1 from pgflow.start_flow('cd_root', '{"tier": "gold"}') \gset
select run_id as r2 from pgflow.start_flow('cd_root', '{"tier": "tin"}') \gset
select is((select status from pgflow.step_states where run_id = :'r1' and step_slug = 'vip'), 'started',
  'a root step runs when the run input matches');
select results_eq(format($$ select status, skip_reason from pgflow.step_states where run_id = %L and step_slug = 'vip' $$, :'r2'),
  $$ values ('skipped'::text, 'condition_unmet'::text) $$, 'and is skipped at start when it does not');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'r2' and step_slug = 'vip'), 0,
  'no task or message for it');
select is_empty(format('select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L)',
                       :'r1', :'r2'), 'invariants hold after start');

select pgflow_tests.drive('cd_root', '{"vip": "v", "all": "a", "greet": "hi"}');
select results_eq(format($$ select status, output from pgflow.runs where run_id in (%L, %L) order by run_id = %L desc $$,
                         :'r1', :'r2', :'r1'),
  $$ values ('completed'::text, '{"greet": "hi"}'::jsonb), ('completed', '{"greet": "hi"}') $$, 'both runs complete');
select is_empty(format('select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L)',
                       :'r1', :'r2'), 'invariants hold at the end');

select * from finish();
rollback;
