-- The proof that a job scheduled from this database (no pg_cron; pg_cron runs
-- from 'postgres', reached through dblink) runs here: pg_cron starts a run of
-- the flow in this database. pg_cron's session sees only what is committed,
-- so the flow, the schedule and the cleanup go through a dblink connection to
-- this very database ('self'), where every statement commits. The file
-- removes what it made (the flow sch_remote_run, its runs, queue and job) at
-- the end, and at the start should an earlier run have died half way.
begin;
select plan(4);

select pgflow_tests.cron_connect_bare();
select dblink_connect('self', format('dbname=%s host=127.0.0.1 port=%s user=%s',
                                     current_database(), current_setting('port'), current_user));
create function pg_temp.cleanup() returns text language sql as $f$
  select dblink_exec('self', $c$
    do $d$ begin
      if exists (select from pgflow.flows where flow_slug = 'sch_remote_run') then
        perform pgflow.delete_flow_and_data('sch_remote_run');
      end if;
    end $d$ $c$)
      || pgflow_tests.cron_remote(format(
           'select count(cron.unschedule(j.jobid))::text from cron.job as j
             where starts_with(j.jobname, %L) and j.database = %L and j.username = current_user',
           'sch_remote_run', current_database()));
$f$;
select pg_temp.cleanup();

create function pg_temp.self(sql text) returns text language sql as $f$
  select t.x from dblink('self', sql) as t(x text) limit 1;
$f$;
select pg_temp.self($$ select pgflow.create_flow('sch_remote_run')::text $$);
select pg_temp.self($$ select pgflow.add_step('sch_remote_run', 'only')::text $$);
-- pg_cron 1.5 and later take '1 seconds'; older ones fire once a minute at
-- best, so the wait is up to a minute and some.
create temp table setup as
select coalesce(pgflow_tests.cron_remote($$ select extversion from pg_extension where extname = 'pg_cron' $$)
                  ~ '^(1\.([5-9]|\d\d)|[2-9])', false) as seconds;
select pg_temp.self(format($$ select pgflow.schedule_flow('sch_remote_run_job', %L, 'sch_remote_run', '{"by": "cron"}')::text $$,
                                  case when (select seconds from setup) then '1 seconds' else '* * * * *' end));

create function pg_temp.wait_for_run(timeout_s integer) returns integer language plpgsql as $f$
declare
  v_runs integer;
begin
  for i in 1 .. timeout_s * 10 loop
    select t.n into v_runs from dblink('self', $$ select count(*) from pgflow.runs where flow_slug = 'sch_remote_run' $$) as t(n integer);
    exit when v_runs > 0;
    perform pg_sleep(0.1);
  end loop;
  return v_runs;
end;
$f$;

select cmp_ok(pg_temp.wait_for_run(case when (select seconds from setup) then 5 else 65 end), '>=', 1,
  'pg_cron started a run of the flow in this database');
select is((select t.input from dblink('self', $$ select input::text from pgflow.runs where flow_slug = 'sch_remote_run' limit 1 $$)
             as t(input text)),
  '{"by": "cron"}', 'with the scheduled input');
select is((select t.n from dblink('self', $$ select count(*) from pgflow.step_tasks where flow_slug = 'sch_remote_run' $$)
             as t(n integer)) >= 1, true, 'and queued its step');

select pg_temp.cleanup();
select is_empty($$ select from dblink('cron', format('select 1 from cron.job where starts_with(jobname, %L) and database = %L',
                                                      'sch_remote_run', current_database())) as t(x integer) $$,
  'delete_flow_and_data removed the job over there');
select dblink_disconnect('self');
select dblink_disconnect('cron');

select * from finish();
rollback;
