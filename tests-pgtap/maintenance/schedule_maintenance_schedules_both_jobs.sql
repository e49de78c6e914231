-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow mnt_sched, its runs and queue, and the jobs named mnt_sched*) at the end,
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
select pg_temp.cleanup('mnt_sched');

-- The maintenance jobs have fixed names: keep whatever was scheduled before
-- and put it back at the end.
create temp table before as
select * from dblink('cron', $$ select jobname, schedule, command from cron.job
                                  where jobname in ('pgflow_requeue_stalled_tasks', 'pgflow_prune')
                                    and username = current_user $$)
  as t(jobname text, schedule text, command text);

create temp table ids as
select pg_temp.remote($$ select pgflow.schedule_maintenance('*/10 * * * *', interval '3 days')::text $$)::bigint[] as ids;

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
select is(pg_temp.remote($$ select array_length(pgflow.schedule_maintenance(), 1)::text $$)::integer, 2,
  'again with the defaults');
select is(pg_temp.remote($$ select schedule || ' ' || command from cron.job
                             where jobname = 'pgflow_prune' and username = current_user $$),
  '*/5 * * * * select pgflow.prune(''P7D''::interval)', 'replaces the jobs: every 5 minutes, 7 days');

select pg_temp.remote(format('select cron.schedule(%L, %L, %L)::text', b.jobname, b.schedule, b.command))
  from before as b;
select pg_temp.remote(format('delete from cron.job_run_details where jobid = %s returning 1', id))
  from unnest((select ids from ids)) as id;
select pg_temp.remote(format('select cron.unschedule(%L)::text', n))
  from unnest(array['pgflow_requeue_stalled_tasks', 'pgflow_prune']) as n
 where n not in (select jobname from before);

select pg_temp.cleanup('mnt_sched');
select dblink_disconnect('cron');

select * from finish();
rollback;
