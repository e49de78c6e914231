begin;
select plan(5);

select pgflow.create_flow('ft_doubles', max_attempts => 4, base_delay => 5);
select pgflow.add_step('ft_doubles', 'a');
select run_id as rid from pgflow.start_flow('ft_doubles', '{}') \gset

create temp table ft_vt (attempt integer, delay interval);
create function pg_temp.fail_once(rid uuid) returns void language plpgsql as $$
declare v_attempt integer;
begin
  perform pgflow_tests.make_visible('ft_doubles');
  perform pgflow_tests.read_and_start('ft_doubles');
  select attempts_count into v_attempt from pgflow.step_tasks where run_id = rid;
  perform pgflow.fail_task(rid, 'a', 0, 'again');
  insert into ft_vt select v_attempt, q.vt - clock_timestamp()
    from pgmq.q_ft_doubles as q join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = rid;
end $$;
select pg_temp.fail_once(:'rid');
select pg_temp.fail_once(:'rid');
select pg_temp.fail_once(:'rid');

select ok((select delay between interval '3 s' and interval '5.01 s' from ft_vt where attempt = 1), 'attempt 1 failed: 5 s');
select ok((select delay between interval '8 s' and interval '10.01 s' from ft_vt where attempt = 2), 'attempt 2 failed: 10 s');
select ok((select delay between interval '18 s' and interval '20.01 s' from ft_vt where attempt = 3), 'attempt 3 failed: 20 s');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, 3) $$, 'after three of four attempts the task is still queued');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
