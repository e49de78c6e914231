begin;
select plan(5);

-- when_exhausted also applies to a permanent failure (retryable false): the
-- step is skipped at once, attempts left or not; a step without it still
-- fails the run.
select pgflow.create_flow('we_perm', max_attempts => 5);
select pgflow.add_step('we_perm', 'optional', when_exhausted => 'skip');
select pgflow.add_step('we_perm', 'required');
select run_id as rid from pgflow.start_flow('we_perm', '{}') \gset
select count(*) from pgflow_tests.read_and_start('we_perm');

select is((select status from pgflow.fail_task(:'rid', 'optional', 0, 'not found', false)), 'failed', 'the task fails for good');
select results_eq(format($$ select status, skip_reason from pgflow.step_states where run_id = %L and step_slug = 'optional' $$, :'rid'),
  $$ values ('skipped'::text, 'exhausted'::text) $$, 'on its first of five attempts the step is skipped');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run goes on');
select pgflow.fail_task(:'rid', 'required', 0, 'broken', false);
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'a step with when_exhausted fail (the default) fails the run');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
