begin;
select plan(5);

-- Runs for pro plans unless the account is frozen: both must hold.
select pgflow.create_flow('cd_both');
select pgflow.add_step('cd_both', 's', run_if => '{"run": {"plan": "pro"}}', run_unless => '{"run": {"frozen": true}}');

select run_id as r1 from pgflow.start_flow('cd_both', '{"plan": "pro", "frozen": false}') \gset
select run_id as r2 from pgflow.start_flow('cd_both', '{"plan": "pro", "frozen": true}') \gset
select run_id as r3 from pgflow.start_flow('cd_both', '{"plan": "free"}') \gset
select run_id as r4 from pgflow.start_flow('cd_both', '{"plan": "pro"}') \gset

select results_eq(format($$ select ss.status from pgflow.step_states as ss
                             join unnest(array[%L, %L, %L, %L]::uuid[]) with ordinality as u(id, n) on u.id = ss.run_id
                            order by u.n $$, :'r1', :'r2', :'r3', :'r4'),
  $$ values ('started'::text), ('skipped'), ('skipped'), ('started') $$,
  'run_if met and run_unless unmet runs; either failing skips; a missing key does not match run_unless');
select is((select status from pgflow.runs where run_id = :'r2'), 'completed', 'a run whose only step is skipped completes at once');
select is((select output from pgflow.runs where run_id = :'r2'), '{}'::jsonb, 'with output {}');
select is_empty(format('select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L)',
                       :'r1', :'r2'), 'invariants hold');
select is_empty(format('select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L)',
                       :'r3', :'r4'), 'invariants hold for the others');

select * from finish();
rollback;
