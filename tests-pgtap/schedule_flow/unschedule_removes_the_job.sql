-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_unsch, its runs and queue, and the jobs named sch_unsch*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(3);

select pgflow_tests.cron_connect();

select pgflow_tests.cron_cleanup('sch_unsch');
select pgflow_tests.cron_remote($$ select pgflow.create_flow('sch_unsch')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.add_step('sch_unsch', 'only')::text $$);

select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_unsch_job', '0 * * * *', 'sch_unsch') $$);
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_unsch_other', '0 * * * *', 'sch_unsch') $$);

select is(pgflow_tests.cron_remote($$ select pgflow.unschedule_flow('sch_unsch_job')::text $$), 'true', 'unschedule_flow returns true');
select is(pgflow_tests.cron_remote($$ select count(*) from cron.job where jobname = 'sch_unsch_job' $$)::integer, 0,
  'the job is gone from cron.job');
select is(pgflow_tests.cron_remote($$ select count(*) from cron.job where jobname = 'sch_unsch_other' $$)::integer, 1,
  'other jobs stay');

select pgflow_tests.cron_cleanup('sch_unsch');
select dblink_disconnect('cron');

select * from finish();
rollback;
