begin;
select plan(10);

-- Only a failed run can be retried. A started, paused, completed or
-- cancelled run is object_not_in_prerequisite_state (55000), naming the run
-- and its status, with a hint; an unknown run is undefined_object (42704), a
-- null one null_value_not_allowed (22004). None of them changes anything.
select pgflow.create_flow('rr_rej', max_attempts => 1);
select pgflow.add_step('rr_rej', 'a');
select run_id as started from pgflow.start_flow('rr_rej', '{}') \gset
select run_id as paused from pgflow.start_flow('rr_rej', '{}') \gset
select run_id as done from pgflow.start_flow('rr_rej', '{}') \gset
select run_id as cancelled from pgflow.start_flow('rr_rej', '{}') \gset
select pgflow.pause_run(:'paused');
select pgflow_tests.run_task(:'done', 'a', '1');
select pgflow.cancel_run(:'cancelled', 'no longer needed');
create temp table rr_rej_runs as select * from pgflow.runs where flow_slug = 'rr_rej';
create temp table rr_rej_tasks as select * from pgflow.step_tasks where flow_slug = 'rr_rej';

select throws_ok(format($$ select pgflow.retry_run(%L) $$, :'started'), '55000',
  format('run "%s" is started and cannot be retried', :'started'), 'a started run cannot be retried');
select throws_ok(format($$ select pgflow.retry_run(%L) $$, :'paused'), '55000',
  format('run "%s" is paused and cannot be retried', :'paused'), 'nor a paused one');
select throws_ok(format($$ select pgflow.retry_run(%L) $$, :'done'), '55000',
  format('run "%s" is completed and cannot be retried', :'done'), 'nor a completed one');
select throws_ok(format($$ select pgflow.retry_run(%L) $$, :'cancelled'), '55000',
  format('run "%s" is cancelled and cannot be retried', :'cancelled'), 'nor a cancelled one');
select throws_ok($$ select pgflow.retry_run('00000000-0000-4000-8000-000000000000') $$, '42704',
  'run "00000000-0000-4000-8000-000000000000" does not exist', 'an unknown run is an error');
select throws_ok($$ select pgflow.retry_run(null) $$, '22004', 'run_id must not be null', 'a null run_id is an error');

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;
select is(pg_temp.hint_of(format('select pgflow.retry_run(%L)', :'done')),
  'Only a failed run can be retried; a started or paused run is still going, a completed one is done.', 'with a hint');
select is(pg_temp.hint_of(format('select pgflow.retry_run(%L)', :'cancelled')),
  'A cancelled run stays cancelled: start a new run with its input instead.', 'which for a cancelled run says what to do');

select results_eq($$ select * from pgflow.runs where flow_slug = 'rr_rej' order by run_id $$,
  $$ select * from rr_rej_runs order by run_id $$, 'no run changed');
select results_eq($$ select * from pgflow.step_tasks where flow_slug = 'rr_rej' order by run_id $$,
  $$ select * from rr_rej_tasks order by run_id $$, 'no task changed');

select * from finish();
rollback;
