-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_job, its runs and queue, and the jobs named sch_job*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(4);

select dblink_connect('cron', format('dbname=postgres host=127.0.0.1 port=%s user=%s',
                                     current_setting('port'), current_user));
select dblink_exec('cron', 'create extension if not exists pg_cron');
select dblink_exec('cron', 'create extension if not exists pgflow cascade');
select dblink_exec('cron', 'alter extension pgflow update');

-- remote( sql ): the first column of the first row sql returns in database postgres, as text.
create function pg_temp.remote(sql text) returns text language sql as $f$
  select t.x from dblink('cron', sql) as t(x text) limit 1;
$f$;
-- cleanup( flow_slug ): the flow, its runs and queue, and its jobs gone from database postgres.
create function pg_temp.cleanup(flow_slug text) returns text language sql as $f$
  select dblink_exec('cron', format($r$
do $d$
declare
  v_flow text := %L;
begin
  delete from cron.job_run_details as d
   where d.jobid in (select j.jobid from cron.job as j where starts_with(j.jobname, v_flow));
  perform cron.unschedule(j.jobid) from cron.job as j
   where starts_with(j.jobname, v_flow) and j.username = current_user;
  delete from pgflow.step_tasks as t where t.flow_slug = v_flow;
  delete from pgflow.step_states as ss where ss.flow_slug = v_flow;
  delete from pgflow.runs as r where r.flow_slug = v_flow;
  delete from pgflow.workers as w where w.queue_name = v_flow;
  delete from pgflow.deps as d where d.flow_slug = v_flow;
  delete from pgflow.steps as s where s.flow_slug = v_flow;
  if exists (select from pgflow.flows as f where f.flow_slug = v_flow) then
    delete from pgflow.flows as f where f.flow_slug = v_flow;
    perform pgmq.drop_queue(v_flow);
  end if;
end;
$d$$r$, flow_slug));
$f$;
select pg_temp.cleanup('sch_job');
select pg_temp.remote($$ select pgflow.create_flow('sch_job')::text $$);
select pg_temp.remote($$ select pgflow.add_step('sch_job', 'only')::text $$);

create temp table scheduled as
select pg_temp.remote($$ select pgflow.schedule_flow('sch_job_hourly', '0 * * * *', 'sch_job', '{"n": 1}') $$)::bigint as jobid;

select results_eq(
  $$ select jobname, schedule, command, database, username from dblink('cron',
       'select jobname, schedule, command, database, username from cron.job where jobname = ''sch_job_hourly''')
       as t(jobname text, schedule text, command text, database text, username text) $$,
  $$ values ('sch_job_hourly'::text, '0 * * * *'::text,
             'select pgflow.start_flow(''sch_job'', ''{"n": 1}''::jsonb)'::text, 'postgres'::text, current_user::text collate "default") $$,
  'one job in cron.job: its name, schedule, a start_flow command, in database postgres');
select is((select jobid from scheduled),
  (select pg_temp.remote($$ select jobid from cron.job where jobname = 'sch_job_hourly' $$)::bigint),
  'schedule_flow returns the job''s id');
select is(pg_temp.remote($$ select count(*) from pgflow.runs where flow_slug = 'sch_job' $$)::integer, 0,
  'scheduling starts no run by itself');
select is(pg_temp.remote($$ select pgflow.schedule_flow(job_name => 'sch_job_default', schedule => '0 0 * * *',
                                                       flow_slug => 'sch_job')::text $$) is not null
          and pg_temp.remote($$ select command from cron.job where jobname = 'sch_job_default' $$)
              = 'select pgflow.start_flow(''sch_job'', ''{}''::jsonb)', true,
  'input defaults to {} and the arguments go by name');

select pg_temp.cleanup('sch_job');
select dblink_disconnect('cron');

select * from finish();
rollback;
