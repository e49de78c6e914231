-- Eight workers, each on its own connection (dblink), drive 10 runs of a wide
-- flow (root -> 20 parallel steps -> join) at the same time, every
-- start_tasks and complete_task in a transaction of its own, as real workers
-- do (pgflow_tests.work). No worker may hit a deadlock or any other error,
-- every run completes with its invariants intact, and every task runs and
-- completes exactly once.
--
-- dblink connections commit on their own, so this file does not run in a
-- transaction: the flow is created through dblink and removed at the end
-- (and at the start, should an earlier run have died half way).

select plan(10);

create function pg_temp.cleanup() returns void language plpgsql as $$
begin
  delete from pgflow_tests.completions
   where run_id in (select run_id from pgflow.runs where flow_slug = 'conc_eight_workers');
  delete from pgflow.step_tasks where flow_slug = 'conc_eight_workers';
  delete from pgflow.step_states where flow_slug = 'conc_eight_workers';
  delete from pgflow.runs where flow_slug = 'conc_eight_workers';
  delete from pgflow.workers where queue_name = 'conc_eight_workers';
  delete from pgflow.deps where flow_slug = 'conc_eight_workers';
  delete from pgflow.steps where flow_slug = 'conc_eight_workers';
  if exists (select from pgflow.flows where flow_slug = 'conc_eight_workers') then
    delete from pgflow.flows where flow_slug = 'conc_eight_workers';
    perform pgmq.drop_queue('conc_eight_workers');
  end if;
end;
$$;
select pg_temp.cleanup();

select dblink_connect('conc_ctl', 'dbname=' || current_database() || ' host=127.0.0.1 port=' || current_setting('port') || ' user=' || current_user);
select dblink_exec('conc_ctl', $sql$
  do $$
  begin
    perform pgflow.create_flow('conc_eight_workers', max_attempts => 3, base_delay => 0, timeout => 60);
    perform pgflow.add_step('conc_eight_workers', 'root');
    perform pgflow.add_step('conc_eight_workers', format('p%s', lpad(i::text, 2, '0')), array['root'])
       from generate_series(1, 20) as i;
    perform pgflow.add_step('conc_eight_workers', 'join',
              array(select format('p%s', lpad(i::text, 2, '0')) from generate_series(1, 20) as i));
  end;
  $$
$sql$);

-- The workers first, idle; then the runs, each start_flow committed on its own
-- while the workers already work on the earlier runs.
select dblink_connect('conc_w' || n, 'dbname=' || current_database() || ' host=127.0.0.1 port=' || current_setting('port') || ' user=' || current_user)
  from generate_series(1, 8) as n;
select dblink_exec('conc_w' || n, 'set statement_timeout = ''60s''') from generate_series(1, 8) as n;
-- batch 5: the 10 root tasks cannot all go to one worker
select dblink_send_query('conc_w' || n,
         format('call pgflow_tests.work(array[''conc_eight_workers''], %s, 5, 10)', n))
  from generate_series(1, 8) as n;
select count(*) as runs_started
  from generate_series(1, 10) as i,
       dblink('conc_ctl', format('select 1 from pgflow.start_flow(''conc_eight_workers'', jsonb_build_object(''n'', %s))', i))
         as t(one integer);

create temp table conc_results (worker integer, status text, error text);
do $$
declare
  v_status text;
begin
  for n in 1..8 loop
    v_status := (select string_agg(r, ',') from dblink_get_result('conc_w' || n, false) as t(r text));
    insert into conc_results values (n, v_status, dblink_error_message('conc_w' || n));
    perform from dblink_get_result('conc_w' || n, false) as t(r text);  -- the end of the results
  end loop;
end;
$$;
select dblink_disconnect('conc_w' || n) from generate_series(1, 8) as n;
select dblink_disconnect('conc_ctl');

select results_eq(
  $$ select worker, error from conc_results order by worker $$,
  $$ select n, 'OK'::text from generate_series(1, 8) as n $$,
  'no worker hit an error (no deadlock, serialization failure or timeout)');
select is((select count(*)::integer from conc_results where status = 'CALL'), 8, 'every worker returned');

select is((select count(*)::integer from pgflow.runs where flow_slug = 'conc_eight_workers'), 10, '10 runs');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'conc_eight_workers' and status = 'completed'),
  10, 'all 10 runs completed');
select is_empty(
  $$ select r.run_id, i.broken from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i(broken)
      where r.flow_slug = 'conc_eight_workers' $$,
  'the invariants of every run hold');
select results_eq(
  $$ select count(*)::integer, count(*) filter (where status = 'completed')::integer,
            count(*) filter (where attempts_count = 1)::integer
       from pgflow.step_tasks where flow_slug = 'conc_eight_workers' $$,
  $$ values (220, 220, 220) $$,
  '10 x 22 tasks, all completed, each in one attempt');
select results_eq(
  $$ select count(*)::integer, count(distinct (c.run_id, c.step_slug, c.task_index))::integer
       from pgflow_tests.completions as c
       join pgflow.runs as r on r.run_id = c.run_id and r.flow_slug = 'conc_eight_workers' $$,
  $$ values (220, 220) $$,
  '220 completions accepted, none twice');
select ok((select count(distinct c.worker) >= 2
             from pgflow_tests.completions as c
             join pgflow.runs as r on r.run_id = c.run_id and r.flow_slug = 'conc_eight_workers'),
  'the work was shared by several workers');
select is(cardinality(pgflow_tests.queue_message_ids('conc_eight_workers')), 0, 'the queue is empty');
select is(
  (select count(*)::integer from pgflow.step_states as ss
     join pgflow.runs as r using (run_id)
    where r.flow_slug = 'conc_eight_workers' and ss.step_slug = 'join' and ss.status = 'completed'),
  10, 'every run''s join step completed');

select pg_temp.cleanup();
select * from finish();
