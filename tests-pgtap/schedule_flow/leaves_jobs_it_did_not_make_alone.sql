-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_foreign, its runs and queue, and the jobs named sch_foreign*) at
-- the end, and at the start should an earlier run have died half way.
begin;
select plan(6);

select pgflow_tests.cron_connect();
select pgflow_tests.cron_cleanup('sch_foreign');
select pgflow_tests.cron_remote($$ select pgflow.create_flow('sch_foreign')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.add_step('sch_foreign', 'only')::text $$);

-- The DBA's own job, under the same user pgflow's jobs run as.
select pgflow_tests.cron_remote($$ select cron.schedule('sch_foreign_backup', '0 3 * * *', 'select 42')::text $$);

select throws_ok($$ select pgflow_tests.cron_remote('select pgflow.schedule_flow(''sch_foreign_backup'', ''* * * * *'', ''sch_foreign'')::text') $$,
  '42710', 'cron job "sch_foreign_backup" exists and was not scheduled by pgflow',
  'schedule_flow does not replace a job it did not make');
select throws_ok($$ select pgflow_tests.cron_remote('select pgflow.unschedule_flow(''sch_foreign_backup'')::text') $$,
  '42704', 'pgflow scheduled no cron job "sch_foreign_backup"',
  'unschedule_flow does not remove it');
select is(pgflow_tests.cron_remote($$ select schedule || ' ' || command from cron.job where jobname = 'sch_foreign_backup' $$),
  '0 3 * * * select 42', 'the DBA''s job is unchanged');

-- pgflow's own job: recorded, replaced and removed.
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_foreign_mine', '0 * * * *', 'sch_foreign')::text $$);
select is(pgflow_tests.cron_remote($$ select flow_slug from pgflow.schedules where job_name = 'sch_foreign_mine' $$),
  'sch_foreign', 'pgflow records the jobs it makes');
-- removed behind pgflow's back, then scheduled again: the stale record is renewed
select pgflow_tests.cron_remote($$ select cron.unschedule('sch_foreign_mine')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_foreign_mine', '5 * * * *', 'sch_foreign')::text $$);
select is(pgflow_tests.cron_remote($$ select (s.jobid = j.jobid)::text from pgflow.schedules as s join cron.job as j using (jobid)
                                       where s.job_name = 'sch_foreign_mine' $$),
  'true', 'a job removed by hand is scheduled anew and its record follows');
select is(pgflow_tests.cron_remote($$ select pgflow.unschedule_flow('sch_foreign_mine')::text $$), 'true',
  'and unschedule_flow removes it');

select pgflow_tests.cron_remote($$ select cron.unschedule('sch_foreign_backup')::text $$);
select pgflow_tests.cron_cleanup('sch_foreign');
select dblink_disconnect('cron');
select * from finish();
rollback;
