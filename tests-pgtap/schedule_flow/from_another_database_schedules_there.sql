-- The test database has no pg_cron: pg_cron runs its jobs from the database
-- that cron.database_name names ('postgres'). With dblink here, schedule_flow
-- makes the job there with cron.schedule_in_database, set to run in this
-- database. Jobs made there commit at once: this file reads cron.job through
-- a dblink connection of its own and removes the jobs it made (named
-- sch_remote*@<this database>) at the end, and at the start should an earlier
-- run have died half way.
begin;
select plan(8);

select pgflow_tests.cron_connect_bare();
create function pg_temp.cleanup() returns text language sql as $f$
  select pgflow_tests.cron_remote(format(
    'select count(cron.unschedule(j.jobid))::text from cron.job as j
      where starts_with(j.jobname, %L) and j.database = %L and j.username = current_user',
    'sch_remote', current_database()));
$f$;
select pg_temp.cleanup();

select pgflow.create_flow('sch_remote');
select pgflow.add_step('sch_remote', 'only');
select is(pgflow._cron_place(), 'remote', 'pg_cron is reached through dblink from here');

create temp table ids as
select pgflow.schedule_flow('sch_remote_hourly', '0 * * * *', 'sch_remote', '{"n": 1}') as first;

select results_eq(
  format($$ select jobid, schedule, command, database, username from dblink('cron', %L)
            as t(jobid bigint, schedule text, command text, database text, username text) $$,
         format('select jobid, schedule, command, database, username from cron.job where jobname = %L',
                'sch_remote_hourly@' || current_database())),
  $$ values ((select first from ids), '0 * * * *'::text,
             'select pgflow.start_flow(''sch_remote'', ''{"n": 1}''::jsonb)'::text,
             current_database()::text collate "default", current_user::text collate "default") $$,
  'one job in pg_cron''s database, named <job>@<database>, set to run here as pgflow''s owner');
select results_eq($$ select job_name, jobid, flow_slug from pgflow.schedules where job_name = 'sch_remote_hourly' $$,
  $$ values ('sch_remote_hourly'::text, (select first from ids), 'sch_remote'::text) $$,
  'and recorded here under its own name with pg_cron''s id');
select results_eq($$ select job_name, flow_slug, jobid, schedule, command, active from pgflow.list_schedules()
                      where job_name = 'sch_remote_hourly' $$,
  $$ values ('sch_remote_hourly'::text, 'sch_remote'::text, (select first from ids), '0 * * * *'::text,
             'select pgflow.start_flow(''sch_remote'', ''{"n": 1}''::jsonb)'::text, true) $$,
  'list_schedules reads the job from over there');

-- the same name again: replaced in place
select is(pgflow.schedule_flow('sch_remote_hourly', '30 * * * *', 'sch_remote', '{"n": 2}'), (select first from ids),
  'rescheduling keeps the job id');
select is(pgflow_tests.cron_remote(format(
    $$ select count(*) || ' ' || min(schedule) || ' ' || min(command) from cron.job where jobname = %L $$,
    'sch_remote_hourly@' || current_database())),
  '1 30 * * * * select pgflow.start_flow(''sch_remote'', ''{"n": 2}''::jsonb)', 'one job, with the new schedule and input');

select is(pgflow.unschedule_flow('sch_remote_hourly'), true, 'unschedule_flow removes it');
select is(pgflow_tests.cron_remote(format($$ select count(*) from cron.job where jobid = %s $$, (select first from ids))),
  '0', 'gone from cron.job');

select pg_temp.cleanup();
select dblink_disconnect('cron');
select * from finish();
rollback;
