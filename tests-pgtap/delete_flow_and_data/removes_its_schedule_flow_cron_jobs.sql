-- pg_cron lives in the database that cron.database_name names ('postgres'),
-- not in the test database: this file works there through dblink, where every
-- statement commits. It removes what it made there (the flows del_cron and
-- del_cron_other, their queues, and the jobs named del_cron*) at the end, and
-- at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(4);

select pgflow_tests.cron_connect();

create function pg_temp.cleanup() returns text language sql as $f$
  select dblink_exec('cron', $r$
do $d$
begin
  perform cron.unschedule(j.jobid) from cron.job as j
   where starts_with(j.jobname, 'del_cron') and j.username = current_user;
  if exists (select from pgflow.flows where flow_slug = 'del_cron') then
    perform pgflow.delete_flow_and_data('del_cron');
  end if;
  if exists (select from pgflow.flows where flow_slug = 'del_cron_other') then
    perform pgflow.delete_flow_and_data('del_cron_other');
  end if;
end;
$d$ $r$);
$f$;
select pg_temp.cleanup();

select pgflow_tests.cron_remote($$ select pgflow.ensure_flow('del_cron', '{"steps": [{"slug": "a"}]}')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.ensure_flow('del_cron_other', '{"steps": [{"slug": "a"}]}')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('del_cron_1', '0 0 1 1 *', 'del_cron')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('del_cron_2', '0 0 1 1 *', 'del_cron', '{"x": 1}')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('del_cron_3', '0 0 1 1 *', 'del_cron_other')::text $$);
select is(pgflow_tests.cron_remote($$ select count(*)::text from cron.job where starts_with(jobname, 'del_cron') $$), '3',
  'three jobs are scheduled');

select pgflow_tests.cron_remote($$ select pgflow.delete_flow_and_data('del_cron')::text $$);
select is(pgflow_tests.cron_remote($$ select string_agg(jobname, ',' order by jobname) from cron.job where starts_with(jobname, 'del_cron') $$),
  'del_cron_3', 'the jobs that start the deleted flow are removed, the other flow''s job stays');
select is(pgflow_tests.cron_remote($$ select count(*)::text from pgflow.flows where flow_slug = 'del_cron' $$), '0',
  'the flow is gone');
select is(pgflow_tests.cron_remote($$ select count(*)::text from pgflow.flows where flow_slug = 'del_cron_other' $$), '1',
  'the other flow stays');

select pg_temp.cleanup();
select dblink_disconnect('cron');
select * from finish();
rollback;
