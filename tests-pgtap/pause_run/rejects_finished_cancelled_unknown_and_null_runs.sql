begin;
select plan(7);

select pgflow.create_flow('pr_rej', max_attempts => 1);
select pgflow.add_step('pr_rej', 'a');
select run_id as done from pgflow.start_flow('pr_rej', '{}') \gset
select pgflow_tests.drive('pr_rej');
select run_id as failed from pgflow.start_flow('pr_rej', '{}') \gset
select pgflow_tests.read_and_start('pr_rej');
select pgflow.fail_task(:'failed', 'a', 0, 'boom');
select run_id as cancelled from pgflow.start_flow('pr_rej', '{}') \gset
select pgflow.cancel_run(:'cancelled');
create temp table pr_rej_runs as select * from pgflow.runs where flow_slug = 'pr_rej';

select throws_ok(format($$ select pgflow.pause_run(%L) $$, :'done'), '55000',
  format('run "%s" is completed and cannot be paused', :'done'), 'a completed run cannot be paused');
select throws_ok(format($$ select pgflow.pause_run(%L) $$, :'failed'), '55000',
  format('run "%s" is failed and cannot be paused', :'failed'), 'a failed run cannot be paused');
select throws_ok(format($$ select pgflow.pause_run(%L) $$, :'cancelled'), '55000',
  format('run "%s" is cancelled and cannot be paused', :'cancelled'), 'a cancelled run cannot be paused');
select throws_ok($$ select pgflow.pause_run('00000000-0000-4000-8000-000000000000') $$, '42704',
  'run "00000000-0000-4000-8000-000000000000" does not exist', 'an unknown run is an error');
select throws_ok($$ select pgflow.pause_run(null) $$, '22004', 'run_id must not be null', 'a null run_id is an error');
select results_eq($$ select * from pgflow.runs where flow_slug = 'pr_rej' order by run_id $$,
  $$ select * from pr_rej_runs order by run_id $$, 'no run changed');
select is_empty($$ select i from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i where r.flow_slug = 'pr_rej' $$,
  'invariants hold');

select * from finish();
rollback;
