begin;
select plan(6);

-- when_exhausted 'skip_cascade': the step and every step downstream of it are
-- skipped (dependency_skipped), even one with other dependencies; the other
-- branch goes on and the run completes with its output.
select pgflow.create_flow('we_cascade', max_attempts => 1);
select pgflow.add_step('we_cascade', 'a');
select pgflow.add_step('we_cascade', 'b', array['a'], when_exhausted => 'skip_cascade');
select pgflow.add_step('we_cascade', 'c', array['b']);
select pgflow.add_step('we_cascade', 'd', array['a', 'c']);
select pgflow.add_step('we_cascade', 'e', array['a']);
select run_id as rid from pgflow.start_flow('we_cascade', '{}') \gset
select pgflow_tests.run_task(:'rid', 'a', '1');
select count(*) from pgflow_tests.read_and_start('we_cascade');
select pgflow.fail_task(:'rid', 'b', 0, 'boom');

select results_eq(format($$ select step_slug, status, skip_reason from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('a'::text, 'completed'::text, null::text), ('b', 'skipped', 'exhausted'), ('c', 'skipped', 'dependency_skipped'),
            ('d', 'skipped', 'dependency_skipped'), ('e', 'started', null) $$,
  'b, c and d are skipped; e goes on');
select results_eq(format($$ select status, remaining_steps from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('started'::text, 1) $$, 'the run has one step left');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');
select pgflow.complete_task(:'rid', 'e', 0, '"e"');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"e": "e"}'::jsonb) $$, 'the run completes with the output of the leaves that ran');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');
-- a completed run cannot be retried: its skipped steps stay skipped
select throws_ok(format($$ select pgflow.retry_run(%L) $$, :'rid'), '55000', null, 'nothing to retry');

select * from finish();
rollback;
