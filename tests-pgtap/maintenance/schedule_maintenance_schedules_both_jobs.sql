-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow mnt_sched, its runs and queue, and the jobs named mnt_sched*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(4);

select pgflow_tests.cron_connect();

select pgflow_tests.cron_cleanup('mnt_sched');

-- The maintenance jobs have fixed names: keep whatever was scheduled before
-- and put it back at the end.
create temp table before as
select * from dblink('cron', $$ select jobname, schedule, command from cron.job
                                  where jobname in ('pgflow_requeue_stalled_tasks', 'pgflow_prune')
                                    and username = current_user $$)
  as t(jobname text, schedule text, command text);

create temp table ids as
select pgflow_tests.cron_remote($$ select pgflow.schedule_maintenance('*/10 * * * *', interval '3 days')::text $$)::bigint[] as ids;

select results_eq(
  $$ select jobname, schedule, command from dblink('cron',
       'select jobname, schedule, command from cron.job
         where jobname in (''pgflow_requeue_stalled_tasks'', ''pgflow_prune'') and username = current_user
         order by jobname desc') as t(jobname text, schedule text, command text) $$,
  $$ values ('pgflow_requeue_stalled_tasks'::text, '* * * * *'::text, 'select pgflow.requeue_stalled_tasks()'::text),
            ('pgflow_prune', '*/10 * * * *', 'select pgflow.prune(''P3D''::interval)') $$,
  'requeue every minute, prune on the schedule');
select is((select ids from ids),
  array(select t.jobid from dblink('cron', $$ select jobid from cron.job
          where jobname in ('pgflow_requeue_stalled_tasks', 'pgflow_prune') and username = current_user
          order by jobname desc $$) as t(jobid bigint)),
  'returns the two job ids');
select is(pgflow_tests.cron_remote($$ select array_length(pgflow.schedule_maintenance(), 1)::text $$)::integer, 2,
  'again with the defaults');
select is(pgflow_tests.cron_remote($$ select schedule || ' ' || command from cron.job
                             where jobname = 'pgflow_prune' and username = current_user $$),
  '*/5 * * * * select pgflow.prune(''P7D''::interval)', 'replaces the jobs: every 5 minutes, 7 days');

select pgflow_tests.cron_remote(format('select cron.schedule(%L, %L, %L)::text', b.jobname, b.schedule, b.command))
  from before as b;
select pgflow_tests.cron_remote(format('delete from cron.job_run_details where jobid = %s returning 1', id))
  from unnest((select ids from ids)) as id;
select pgflow_tests.cron_remote(format('select pgflow.unschedule_flow(%L)::text', n))
  from unnest(array['pgflow_requeue_stalled_tasks', 'pgflow_prune']) as n
 where n not in (select jobname from before);

select pgflow_tests.cron_cleanup('mnt_sched');
select dblink_disconnect('cron');

select * from finish();
rollback;
