-- pg_cron knows jobs by name per user across the whole cluster. From this
-- database (no pg_cron; pg_cron runs from 'postgres', reached through dblink)
-- schedule_flow neither replaces nor removes a job pgflow did not make here:
-- one made by hand under the name it would use, or one of the same job name
-- that pgflow made in pg_cron's own database. Jobs made there commit at once:
-- this file removes the jobs it made (sch_remote_other*) at the end, and at
-- the start should an earlier run have died half way.
begin;
select plan(7);

select pgflow_tests.cron_connect_bare();
create function pg_temp.cleanup() returns text language sql as $f$
  select pgflow_tests.cron_remote(format(
    'select count(cron.unschedule(j.jobid))::text from cron.job as j
      where starts_with(j.jobname, %L) and j.username = current_user and j.database in (%L, current_database())',
    'sch_remote_other', current_database()));
$f$;
select pg_temp.cleanup();

select pgflow.create_flow('sch_remote_other');
select pgflow.add_step('sch_remote_other', 'only');

-- by hand, under the name pgflow would give its job from this database
select pgflow_tests.cron_remote(format($$ select cron.schedule_in_database(%L, '0 3 * * *', 'select 42', %L)::text $$,
                                       'sch_remote_other_backup@' || current_database(), current_database()));
select throws_ok($$ select pgflow.schedule_flow('sch_remote_other_backup', '* * * * *', 'sch_remote_other') $$,
  '42710', format('cron job "sch_remote_other_backup@%s" exists and was not scheduled by pgflow in database "%s"',
                  current_database(), current_database()),
  'schedule_flow does not replace a job it did not make');
select throws_ok($$ select pgflow.unschedule_flow('sch_remote_other_backup') $$,
  '42704', 'pgflow scheduled no cron job "sch_remote_other_backup"', 'unschedule_flow does not remove it');
select is(pgflow_tests.cron_remote(format($$ select schedule || ' ' || command from cron.job where jobname = %L $$,
                                          'sch_remote_other_backup@' || current_database())),
  '0 3 * * * select 42', 'the job is unchanged');
select is_empty($$ select from pgflow.schedules where job_name = 'sch_remote_other_backup' $$, 'and nothing recorded');

-- a job named like pgflow's in pg_cron's database is another job: both stand
select pgflow_tests.cron_remote($$ select cron.schedule('sch_remote_other_x', '0 4 * * *', 'select 43')::text $$);
select lives_ok($$ select pgflow.schedule_flow('sch_remote_other_x', '0 5 * * *', 'sch_remote_other') $$,
  'the same job name in pg_cron''s database does not collide');
select is(pgflow_tests.cron_remote($$ select string_agg(jobname || ' ' || schedule, ', ' order by jobname) from cron.job
                                       where starts_with(jobname, 'sch_remote_other_x') $$),
  format('sch_remote_other_x 0 4 * * *, sch_remote_other_x@%s 0 5 * * *', current_database()),
  'the two jobs stand side by side');
select pgflow.unschedule_flow('sch_remote_other_x');
select is(pgflow_tests.cron_remote($$ select string_agg(jobname, ', ') from cron.job where starts_with(jobname, 'sch_remote_other_x') $$),
  'sch_remote_other_x', 'unschedule_flow removes its own only');

select pg_temp.cleanup();
select dblink_disconnect('cron');
select * from finish();
rollback;
