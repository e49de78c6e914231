-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_cron_proof, its runs and queue, and the jobs named sch_cron_proof*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(3);

select pgflow_tests.cron_connect();

select pgflow_tests.cron_cleanup('sch_cron_proof');
select pgflow_tests.cron_remote($$ select pgflow.create_flow('sch_cron_proof')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.add_step('sch_cron_proof', 'only')::text $$);

-- pg_cron 1.5 and later take '1 seconds'; older ones fire once a minute at
-- best, so the wait is up to a minute and some there.
create temp table setup as
select coalesce(pgflow_tests.cron_remote($$ select extversion from pg_extension where extname = 'pg_cron' $$)
                  ~ '^(1\.([5-9]|\d\d)|[2-9])', false) as seconds;
select pgflow_tests.cron_remote(format($$ select pgflow.schedule_flow('sch_cron_proof_job', %L, 'sch_cron_proof', '{"by": "cron"}') $$,
                             case when (select seconds from setup) then '1 seconds' else '* * * * *' end));

create function pg_temp.wait_for_run(timeout_s integer) returns integer language plpgsql as $f$
declare
  v_runs integer;
begin
  for i in 1 .. timeout_s * 10 loop
    v_runs := pgflow_tests.cron_remote($$ select count(*) from pgflow.runs where flow_slug = 'sch_cron_proof' $$)::integer;
    exit when v_runs > 0;
    perform pg_sleep(0.1);
  end loop;
  return v_runs;
end;
$f$;

select cmp_ok(pg_temp.wait_for_run(case when (select seconds from setup) then 5 else 65 end), '>=', 1,
  'pg_cron started a run of the flow on schedule');
select is(pgflow_tests.cron_remote($$ select input::text from pgflow.runs where flow_slug = 'sch_cron_proof' limit 1 $$),
  '{"by": "cron"}', 'with the scheduled input');
select is(pgflow_tests.cron_remote($$ select count(*) from pgflow.step_tasks where flow_slug = 'sch_cron_proof' $$)::integer
          >= 1, true, 'and queued its step');

select pgflow_tests.cron_cleanup('sch_cron_proof');
select dblink_disconnect('cron');

select * from finish();
rollback;
