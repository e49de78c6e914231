-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_job, its runs and queue, and the jobs named sch_job*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(4);

select pgflow_tests.cron_connect();

select pgflow_tests.cron_cleanup('sch_job');
select pgflow_tests.cron_remote($$ select pgflow.create_flow('sch_job')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.add_step('sch_job', 'only')::text $$);

create temp table scheduled as
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_job_hourly', '0 * * * *', 'sch_job', '{"n": 1}') $$)::bigint as jobid;

select results_eq(
  $$ select jobname, schedule, command, database, username from dblink('cron',
       'select jobname, schedule, command, database, username from cron.job where jobname = ''sch_job_hourly''')
       as t(jobname text, schedule text, command text, database text, username text) $$,
  $$ values ('sch_job_hourly'::text, '0 * * * *'::text,
             'select pgflow.start_flow(''sch_job'', ''{"n": 1}''::jsonb)'::text, 'postgres'::text, current_user::text collate "default") $$,
  'one job in cron.job: its name, schedule, a start_flow command, in database postgres');
select is((select jobid from scheduled),
  (select pgflow_tests.cron_remote($$ select jobid from cron.job where jobname = 'sch_job_hourly' $$)::bigint),
  'schedule_flow returns the job''s id');
select is(pgflow_tests.cron_remote($$ select count(*) from pgflow.runs where flow_slug = 'sch_job' $$)::integer, 0,
  'scheduling starts no run by itself');
select is(pgflow_tests.cron_remote($$ select pgflow.schedule_flow(job_name => 'sch_job_default', schedule => '0 0 * * *',
                                                       flow_slug => 'sch_job')::text $$) is not null
          and pgflow_tests.cron_remote($$ select command from cron.job where jobname = 'sch_job_default' $$)
              = 'select pgflow.start_flow(''sch_job'', ''{}''::jsonb)', true,
  'input defaults to {} and the arguments go by name');

select pgflow_tests.cron_cleanup('sch_job');
select dblink_disconnect('cron');

select * from finish();
rollback;
