begin;
select plan(13);

-- fail_task is one function with two trailing defaults, so the four-argument
-- calls of pgflow 0.8.1 (positional, named, with untyped literals and NULLs)
-- resolve to it as before, and the new arguments work positionally and by
-- name. (Two overloads, four and six arguments, made a four-argument call
-- "is not unique".)
select is((select count(*)::integer from pg_proc where pronamespace = 'pgflow'::regnamespace and proname = 'fail_task'),
  1, 'fail_task is one function');

select pgflow.create_flow('ft_forms', max_attempts => 100, base_delay => 0);
select pgflow.add_step('ft_forms', 'a');
select run_id as rid from pgflow.start_flow('ft_forms', '{}') \gset

-- each form fails the started task once; the next one starts it again
create function pg_temp.again() returns void language sql as $$
  select pgflow_tests.make_visible('ft_forms');
  select count(*) from pgflow_tests.read_and_start('ft_forms');
$$;

select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'e') $$, :'rid'), 'four positional, untyped literals');
select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(%L::uuid, 'a'::text, 0::integer, null) $$, :'rid'), 'four typed, a NULL error');
select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(run_id => %L, step_slug => 'a', task_index => 0, error_message => 'e') $$, :'rid'),
  'four named');
select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'e', true) $$, :'rid'), 'five positional');
select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'e', true, 0) $$, :'rid'), 'six positional');
select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'e', retry_after => 0) $$, :'rid'),
  'retry_after by name, retryable defaulted');
select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(%L, 'a', 0, error_message => 'e', retryable => true, retry_after => null) $$,
                       :'rid'), 'mixed');
select pg_temp.again();
select lives_ok(format($$ select * from pgflow.fail_task(%L, 'a', 0, 'e', retry_after := 0, retryable := true) $$, :'rid'),
  'named in another order, := notation, in FROM');
select is((select attempts_count from pgflow.step_tasks where run_id = :'rid'), 8, 'every call counted its attempt');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'and retried: the run goes on');
select pg_temp.again();
select lives_ok(format($$ select pgflow.fail_task(%L, 'a', 0, 'for good', false) $$, :'rid'), 'retryable false, positional');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'which fails the run');

select * from finish();
rollback;
