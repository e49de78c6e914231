-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_unsch, its runs and queue, and the jobs named sch_unsch*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(3);

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
select pg_temp.cleanup('sch_unsch');
select pg_temp.remote($$ select pgflow.create_flow('sch_unsch')::text $$);
select pg_temp.remote($$ select pgflow.add_step('sch_unsch', 'only')::text $$);

select pg_temp.remote($$ select pgflow.schedule_flow('sch_unsch_job', '0 * * * *', 'sch_unsch') $$);
select pg_temp.remote($$ select pgflow.schedule_flow('sch_unsch_other', '0 * * * *', 'sch_unsch') $$);

select is(pg_temp.remote($$ select pgflow.unschedule_flow('sch_unsch_job')::text $$), 'true', 'unschedule_flow returns true');
select is(pg_temp.remote($$ select count(*) from cron.job where jobname = 'sch_unsch_job' $$)::integer, 0,
  'the job is gone from cron.job');
select is(pg_temp.remote($$ select count(*) from cron.job where jobname = 'sch_unsch_other' $$)::integer, 1,
  'other jobs stay');

select pg_temp.cleanup('sch_unsch');
select dblink_disconnect('cron');

select * from finish();
rollback;
