-- From this database (no pg_cron; pg_cron runs from 'postgres', reached
-- through dblink) every value goes into the SQL sent there, and into the
-- job's command, as a quoted literal: a hostile job name, schedule or input
-- is stored as given or refused, never run. Jobs made there commit at once:
-- this file removes the jobs it made (sch_rq*) at the end, and at the start
-- should an earlier run have died half way.
begin;
select plan(6);

select pgflow_tests.cron_connect_bare();
create function pg_temp.cleanup() returns text language sql as $f$
  select pgflow_tests.cron_remote(format(
    'select count(cron.unschedule(j.jobid))::text from cron.job as j
      where starts_with(j.jobname, %L) and j.database = %L and j.username = current_user',
    'sch_rq', current_database()));
$f$;
select pg_temp.cleanup();
create temp table sentinel (x integer);
create temp table hostile as
select $j$sch_rq'); drop table sentinel; --$j$ as job_name,
       $s$0 * * * *'); drop table sentinel; --$s$ as schedule,
       jsonb_build_object('a', $v$'); drop table sentinel; --$v$, 'b', E'back\\slash''s $$ $x$') as input;

select pgflow.create_flow('sch_rq');
select pgflow.add_step('sch_rq', 'only');

select lives_ok($$ select pgflow.schedule_flow((select job_name from hostile), '0 * * * *', 'sch_rq', (select input from hostile)) $$,
  'a job name and an input full of quotes are scheduled');
select is(pgflow_tests.cron_remote(format($$ select command from cron.job where jobname = %L $$,
                                          (select job_name from hostile) || '@' || current_database())),
  format('select pgflow.start_flow(%L, %L::jsonb)', 'sch_rq', (select input::text from hostile)),
  'stored under that name, with the input one quoted literal in the command');
-- what pg_cron would run, run here by hand: one run with exactly that input
create function pg_temp.run(sql text) returns void language plpgsql as $f$ begin execute sql; end $f$;
select pg_temp.run(pgflow_tests.cron_remote(format($$ select command from cron.job where jobname = %L $$,
                                                   (select job_name from hostile) || '@' || current_database())));
select results_eq($$ select input from pgflow.runs where flow_slug = 'sch_rq' $$, $$ select input from hostile $$,
  'the command starts one run with the input unchanged');

-- pg_cron reads a schedule's five fields and ignores what follows: stored as given, a literal
select pgflow.schedule_flow('sch_rq_sched', (select schedule from hostile), 'sch_rq');
select is(pgflow_tests.cron_remote(format($$ select schedule from cron.job where jobname = %L $$,
                                          'sch_rq_sched@' || current_database())),
  (select schedule from hostile), 'a hostile schedule is one literal too');
select throws_ok(format($$ select pgflow.schedule_flow('sch_rq_long', %L, 'sch_rq') $$, repeat('*', 300)),
  '22023', 'schedule of job "sch_rq_long" is 300 characters long, more than 256', 'a long schedule is refused here');
select ok(to_regclass('pg_temp.sentinel') is not null
          and pgflow.unschedule_flow((select job_name from hostile))
          and pgflow.unschedule_flow('sch_rq_sched')
          and pgflow_tests.cron_remote(format($$ select count(*) from cron.job where database = %L
                                                  and starts_with(jobname, 'sch_rq') $$, current_database())) = '0',
  'nothing was executed, and unschedule_flow removes the jobs');

select pg_temp.cleanup();
select dblink_disconnect('cron');
select * from finish();
rollback;
