-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_unknown, its runs and queue, and the jobs named sch_unknown*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(2);

select pgflow_tests.cron_connect();

select pgflow_tests.cron_cleanup('sch_unknown');

select throws_ok($$ select pgflow_tests.cron_remote('select pgflow.unschedule_flow(''sch_unknown_nope'')::text') $$,
  '42704', 'pgflow scheduled no cron job "sch_unknown_nope"', 'an unknown job is refused');
select throws_ok($$ select pgflow_tests.cron_remote('select pgflow.unschedule_flow(null)::text') $$,
  '22004', 'job name must not be null', 'a null job name is refused');

select pgflow_tests.cron_cleanup('sch_unknown');
select dblink_disconnect('cron');

select * from finish();
rollback;
