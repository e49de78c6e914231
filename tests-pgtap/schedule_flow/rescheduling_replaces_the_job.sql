-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_again, its runs and queue, and the jobs named sch_again*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(3);

select pgflow_tests.cron_connect();

select pgflow_tests.cron_cleanup('sch_again');
select pgflow_tests.cron_remote($$ select pgflow.create_flow('sch_again')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.add_step('sch_again', 'only')::text $$);

create temp table ids as
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_again_job', '0 * * * *', 'sch_again', '{"v": 1}') $$)::bigint as first,
       pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_again_job', '30 * * * *', 'sch_again', '{"v": 2}') $$)::bigint as second;

select is(pgflow_tests.cron_remote($$ select count(*) from cron.job where jobname = 'sch_again_job' $$)::integer, 1,
  'one job of that name');
select is(pgflow_tests.cron_remote($$ select schedule || ' ' || command from cron.job where jobname = 'sch_again_job' $$),
  '30 * * * * select pgflow.start_flow(''sch_again'', ''{"v": 2}''::jsonb)', 'with the new schedule and input');
select is((select second from ids), (select first from ids), 'under the same job id');

select pgflow_tests.cron_cleanup('sch_again');
select dblink_disconnect('cron');

select * from finish();
rollback;
