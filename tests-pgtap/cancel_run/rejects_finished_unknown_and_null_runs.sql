begin;
select plan(8);

select pgflow.create_flow('cr_rej', max_attempts => 1);
select pgflow.add_step('cr_rej', 'a');
select run_id as done from pgflow.start_flow('cr_rej', '{}') \gset
select pgflow_tests.drive('cr_rej');
select run_id as failed from pgflow.start_flow('cr_rej', '{}') \gset
select pgflow_tests.read_and_start('cr_rej');
select pgflow.fail_task(:'failed', 'a', 0, 'boom');
create temp table cr_rej_runs as select * from pgflow.runs where flow_slug = 'cr_rej';

select throws_ok(format($$ select pgflow.cancel_run(%L) $$, :'done'), '55000',
  format('run "%s" is completed and cannot be cancelled', :'done'), 'a completed run cannot be cancelled');
select throws_ok(format($$ select pgflow.cancel_run(%L, 'why') $$, :'failed'), '55000',
  format('run "%s" is failed and cannot be cancelled', :'failed'), 'a failed run cannot be cancelled');
select throws_ok($$ select pgflow.cancel_run('00000000-0000-4000-8000-000000000000') $$, '42704',
  'run "00000000-0000-4000-8000-000000000000" does not exist', 'an unknown run is an error');
select throws_ok($$ select pgflow.cancel_run(null) $$, '22004', 'run_id must not be null', 'a null run_id is an error');

-- the hint says what can be cancelled
create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;
select is(pg_temp.hint_of(format('select pgflow.cancel_run(%L)', :'done')),
  'Only a started or paused run can be cancelled; a finished run stays as it is.', 'with a hint');

select results_eq($$ select * from pgflow.runs where flow_slug = 'cr_rej' order by run_id $$,
  $$ select * from cr_rej_runs order by run_id $$, 'no run changed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'done'), 'invariants hold (completed)');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'failed'), 'invariants hold (failed)');

select * from finish();
rollback;
