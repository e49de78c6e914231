-- Two sessions: a worker whose attempt ran when the run failed reports late,
-- against retry_run. Both lock the run first, so one waits for the other:
-- - retry_run first: the late completion waits for it, then finds its task
--   queued (a fresh attempt to come) and changes nothing;
-- - the late failure first: it finds the run failed and changes nothing, and
--   retry_run, which waited for it, retries the run.
-- Committed through two dblink connections; read through them too (a lock
-- held here on the queue would block the cleanup). Cleans up what it committed.
begin;
select plan(9);

select dblink_connect('rr_w', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('rr_c', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''rr_late'') then delete from pgflow.step_tasks where flow_slug = ''rr_late''; delete from pgflow.step_states where flow_slug = ''rr_late''; delete from pgflow.runs where flow_slug = ''rr_late''; delete from pgflow.workers where queue_name = ''rr_late''; delete from pgflow.deps where flow_slug = ''rr_late''; delete from pgflow.steps where flow_slug = ''rr_late''; delete from pgflow.flows where flow_slug = ''rr_late''; perform pgmq.drop_queue(''rr_late''); end if; end $do$'
select dblink_exec('rr_c', :'cleanup');
-- a and b run side by side; b fails for good while a's attempt is still running
select dblink_exec('rr_c', $$ do $do$ begin
  perform pgflow.create_flow('rr_late', 3, 0, 60);
  perform pgflow.add_step('rr_late', 'a');
  perform pgflow.add_step('rr_late', 'b');
  perform pgflow.start_flow('rr_late', '{}');
  perform from pgflow_tests.read_and_start('rr_late');
  perform pgflow.fail_task(t.run_id, 'b', 0, 'broken', false) from pgflow.step_tasks as t
    where t.flow_slug = 'rr_late' and t.step_slug = 'a';
end $do$ $$);
select run_id as rid from dblink('rr_c', $$ select run_id from pgflow.runs where flow_slug = 'rr_late' $$) as d(run_id uuid) \gset
create function pg_temp.remote(sql text) returns text language sql as $$
  select v from dblink('rr_c', sql) as d(v text) $$;

-- 1. retry_run (uncommitted) while a's late completion comes in
select dblink_exec('rr_c', 'begin');
select is(pg_temp.remote(format('select status from pgflow.retry_run(%L)', :'rid')), 'started', 'retry_run, not committed yet');
select dblink_send_query('rr_w', format($$ select count(*)::text from pgflow.complete_task(%L, 'a', 0, '"late"') $$, :'rid'));
select pg_sleep(0.2);
select is(dblink_is_busy('rr_w'), 1, 'the late completion waits for the run''s lock');
select dblink_exec('rr_c', 'commit');
select is((select n from dblink_get_result('rr_w') as d(n text)), '0', 'then records nothing: the task is queued for a fresh attempt');
select * from dblink_get_result('rr_w') as d(n text);
select is(pg_temp.remote(format($$ select status || '/' || attempts_count || '/' || coalesce(output::text, '-')
                                   from pgflow.step_tasks where run_id = %L and step_slug = 'a' $$, :'rid')),
  'queued/0/-', 'a is queued with no attempt and no output');
select is(pg_temp.remote(format('select count(*) from pgflow.check_invariants(%L)', :'rid')), '0', 'invariants hold');

-- 2. the run fails again; a late failure (uncommitted) while retry_run comes in
select dblink_exec('rr_c', format($$ do $do$ begin
  perform from pgflow_tests.read_and_start('rr_late');
  perform pgflow.fail_task(%L, 'b', 0, 'broken again', false);
end $do$ $$, :'rid'));
select dblink_exec('rr_w', 'begin');
select is((select n from dblink('rr_w', format($$ select count(*)::text from pgflow.fail_task(%L, 'a', 0, 'late', false) $$, :'rid'))
             as d(n text)), '0', 'the late failure finds the run failed: no row');
select dblink_send_query('rr_c', format($$ select status from pgflow.retry_run(%L) $$, :'rid'));
select pg_sleep(0.2);
select is(dblink_is_busy('rr_c'), 1, 'retry_run waits for it');
select dblink_exec('rr_w', 'commit');
select is((select s from dblink_get_result('rr_c') as d(s text)), 'started', 'then retries the run');
select * from dblink_get_result('rr_c') as d(s text);
select is(pg_temp.remote(format('select count(*) from pgflow.check_invariants(%L)', :'rid')), '0', 'invariants hold');

select dblink_exec('rr_c', :'cleanup');
select dblink_disconnect('rr_w');
select dblink_disconnect('rr_c');

select * from finish();
rollback;
