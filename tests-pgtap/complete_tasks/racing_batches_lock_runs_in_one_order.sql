-- Two batches over the same runs, listed in opposite orders, from two
-- sessions: the runs are locked in run_id order up front, so the second waits
-- for the first instead of deadlocking, and every task completes once.
-- Committed through dblink; cleans up after itself.
begin;
select plan(4);

\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''cts_race'') then delete from pgflow.step_tasks where flow_slug = ''cts_race''; delete from pgflow.step_states where flow_slug = ''cts_race''; delete from pgflow.runs where flow_slug = ''cts_race''; delete from pgflow.workers where queue_name = ''cts_race''; delete from pgflow.steps where flow_slug = ''cts_race''; delete from pgflow.flows where flow_slug = ''cts_race''; perform pgmq.drop_queue(''cts_race''); end if; end $do$'
select dblink_connect('cts_a', format('dbname=%s host=127.0.0.1 port=%s user=%s', current_database(), current_setting('port'), current_user));
select dblink_connect('cts_b', format('dbname=%s host=127.0.0.1 port=%s user=%s', current_database(), current_setting('port'), current_user));
select dblink_exec('cts_a', :'cleanup');
select dblink_exec('cts_a', $$ do $do$ begin
  perform pgflow.create_flow('cts_race');
  perform pgflow.add_step('cts_race', 'x');
  perform pgflow.add_step('cts_race', 'y');
  perform pgflow.start_flow('cts_race', '{}') from generate_series(1, 4);
  perform pgflow_tests.read_and_start('cts_race');
end $do$ $$);

-- A: every x task, runs in descending order, left uncommitted.
select dblink_exec('cts_a', 'begin');
select n from dblink('cts_a', $$ select count(*) from pgflow.complete_tasks(
  (select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug, 'output', 'a') order by run_id desc)
     from pgflow.step_tasks where flow_slug = 'cts_race' and step_slug = 'x')) $$) as t(n bigint);
-- B: every y task, runs in ascending order: waits for A's run locks.
select dblink_send_query('cts_b', $$ select count(*) from pgflow.complete_tasks(
  (select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug, 'output', 'b') order by run_id)
     from pgflow.step_tasks where flow_slug = 'cts_race' and step_slug = 'y')) $$);
select pg_sleep(0.3);
select is(dblink_is_busy('cts_b'), 1, 'the second batch waits for the first one''s runs');
select dblink_exec('cts_a', 'commit');
select is((select n from dblink_get_result('cts_b') as t(n bigint)), 4::bigint,
  'then completes its four tasks, without a deadlock');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'cts_race' and status = 'completed'), 4,
  'all four runs completed');
-- checked from another session: reading the queue here would hold a lock that the cleanup's drop_queue waits for
select is((select n from dblink('cts_a', $$ select count(*) from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i
                                          where r.flow_slug = 'cts_race' $$) as t(n bigint)), 0::bigint,
  'invariants hold');

select dblink_exec('cts_a', :'cleanup');
select dblink_disconnect('cts_a');
select dblink_disconnect('cts_b');

select * from finish();
rollback;
