begin;
select plan(8);

-- The test database has no pg_cron: pg_cron runs its jobs from the database
-- cron.database_name names. Without dblink here (dropped in this
-- transaction: its name is built, so that the suite's runner does not take
-- this file for one that needs dblink) nothing reaches it: every scheduling
-- function says so, with a hint saying what to do, and changes nothing; a
-- function that is merely called dblink is never used. pgflow still works.
select format('drop extension if exists %I', 'db' || 'link') \gexec
-- a server without pg_cron loaded may not define cron.database_name: as if it
-- named the database postgres (where pg_cron would live)
select set_config('cron.database_name', 'postgres', true) where current_setting('cron.database_name', true) is null;
create schema sch_nodb;
create function sch_nodb.dblink(text, text) returns setof record language sql as $$ select null::record where false $$;

select pgflow.create_flow('sch_nocron');
select pgflow.add_step('sch_nocron', 'a');
create function pg_temp.hint_of(sql text) returns table (hint text) language plpgsql as $f$
begin
  execute sql;
  hint := null; return next;
exception when others then
  get stacked diagnostics hint = pg_exception_hint;
  return next;
end;
$f$;
create temp table msg as
select format('pg_cron runs in database "%s": database "%s" needs dblink to reach it',
              current_setting('cron.database_name'), current_database()) as m;

select is(pgflow._cron_place(), null, 'no way to pg_cron from here');
select throws_ok($$ select pgflow.schedule_flow('sch_nocron_job', '0 3 * * *', 'sch_nocron', '{"a": "it''s"}') $$,
  '0A000', (select m from msg), 'schedule_flow refuses without dblink');
select is((select hint from pg_temp.hint_of($$ select pgflow.schedule_flow('sch_nocron_job', '0 3 * * *', 'sch_nocron', '{"a": "it''s"}') $$)),
  format('Run create extension dblink in this database (as a superuser or pgflow''s owner), or run this in database "%s": '
         'select cron.schedule_in_database(%L, ''0 3 * * *'', %L, %L, %L);',
         current_setting('cron.database_name'), 'sch_nocron_job@' || current_database(),
         'select pgflow.start_flow(''sch_nocron'', ''{"a": "it''''s"}''::jsonb)', current_database(), current_user),
  'the hint says what to install, or prints the SQL to run there');
select throws_ok($$ select pgflow.schedule_maintenance() $$,
  '0A000', (select m from msg), 'schedule_maintenance refuses without dblink');
select throws_ok($$ select pgflow.unschedule_flow('sch_nocron_job') $$,
  '42704', 'pgflow scheduled no cron job "sch_nocron_job"', 'unschedule_flow of a job never made: unknown');
-- a record with no way to its job (say, restored from a dump): kept, and the hint says how to remove both
insert into pgflow.schedules (job_name, jobid, flow_slug) values ('sch_nocron_restored', 987654321, 'sch_nocron');
select throws_ok($$ select pgflow.unschedule_flow('sch_nocron_restored') $$,
  '0A000', (select m from msg), 'unschedule_flow refuses without dblink');
select ok((select hint from pg_temp.hint_of($$ select pgflow.unschedule_flow('sch_nocron_restored') $$))
          like '%select cron.unschedule(987654321); then, in this database: delete from pgflow.schedules where job_name = ''sch_nocron_restored'';',
  'its hint prints both steps');
select results_eq($$ select job_name, schedule from pgflow.list_schedules() where flow_slug = 'sch_nocron' $$,
  $$ values ('sch_nocron_restored'::text, null::text) $$,
  'list_schedules still lists the records, without what pg_cron holds');

select * from finish();
rollback;
