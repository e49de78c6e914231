begin;
select plan(6);

-- A retry_after below 0 or above a year (31536000 s), or a null retryable,
-- is an error that changes nothing: the task stays started.
select pgflow.create_flow('ft_bad', max_attempts => 3);
select pgflow.add_step('ft_bad', 'a');
select run_id as rid from pgflow.start_flow('ft_bad', '{}') \gset
select count(*) from pgflow_tests.read_and_start('ft_bad');

select throws_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'e', retry_after => -1) $$, :'rid'),
  '22023', 'retry_after must be between 0 and 31536000 seconds, got -1', 'a negative retry_after is rejected');
select throws_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'e', true, 31536001) $$, :'rid'),
  '22023', 'retry_after must be between 0 and 31536000 seconds, got 31536001', 'more than a year is rejected');
select throws_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'e', retryable => null) $$, :'rid'),
  '22004', 'retryable must not be null', 'a null retryable is rejected');
create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;
select alike(pg_temp.hint_of(format($$ select pgflow.fail_task(%L, 'a', 0, 'e', retry_after => -5) $$, :'rid')),
  'retry_after is the delay before the next attempt, 0 (at once) to 31536000 seconds%', 'with a hint');
select results_eq(format($$ select status, attempts_count, error_message from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('started'::text, 1, null::text) $$, 'the task is left as it was');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
