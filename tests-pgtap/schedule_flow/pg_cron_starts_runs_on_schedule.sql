-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_cron_proof, its runs and queue, and the jobs named sch_cron_proof*) at the end,
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
select pg_temp.cleanup('sch_cron_proof');
select pg_temp.remote($$ select pgflow.create_flow('sch_cron_proof')::text $$);
select pg_temp.remote($$ select pgflow.add_step('sch_cron_proof', 'only')::text $$);

-- pg_cron 1.5 and later take '1 seconds'; older ones fire once a minute at
-- best, so the wait is up to a minute and some there.
create temp table setup as
select coalesce(pg_temp.remote($$ select extversion from pg_extension where extname = 'pg_cron' $$)
                  ~ '^(1\.([5-9]|\d\d)|[2-9])', false) as seconds;
select pg_temp.remote(format($$ select pgflow.schedule_flow('sch_cron_proof_job', %L, 'sch_cron_proof', '{"by": "cron"}') $$,
                             case when (select seconds from setup) then '1 seconds' else '* * * * *' end));

create function pg_temp.wait_for_run(timeout_s integer) returns integer language plpgsql as $f$
declare
  v_runs integer;
begin
  for i in 1 .. timeout_s * 10 loop
    v_runs := pg_temp.remote($$ select count(*) from pgflow.runs where flow_slug = 'sch_cron_proof' $$)::integer;
    exit when v_runs > 0;
    perform pg_sleep(0.1);
  end loop;
  return v_runs;
end;
$f$;

select cmp_ok(pg_temp.wait_for_run(case when (select seconds from setup) then 5 else 65 end), '>=', 1,
  'pg_cron started a run of the flow on schedule');
select is(pg_temp.remote($$ select input::text from pgflow.runs where flow_slug = 'sch_cron_proof' limit 1 $$),
  '{"by": "cron"}', 'with the scheduled input');
select is(pg_temp.remote($$ select count(*) from pgflow.step_tasks where flow_slug = 'sch_cron_proof' $$)::integer
          >= 1, true, 'and queued its step');

select pg_temp.cleanup('sch_cron_proof');
select dblink_disconnect('cron');

select * from finish();
rollback;
