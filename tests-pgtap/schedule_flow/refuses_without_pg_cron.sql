begin;
select plan(4);

-- The test database has no pg_cron (cron.database_name names another one):
-- every scheduling function says so, with a hint, and pgflow still works.
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

select throws_ok($$ select pgflow.schedule_flow('sch_nocron_job', '* * * * *', 'sch_nocron') $$,
  '0A000', format('pg_cron is not installed in database "%s"', current_database()),
  'schedule_flow refuses without pg_cron');
select throws_ok($$ select pgflow.unschedule_flow('sch_nocron_job') $$,
  '0A000', format('pg_cron is not installed in database "%s"', current_database()),
  'unschedule_flow refuses without pg_cron');
select throws_ok($$ select pgflow.schedule_maintenance() $$,
  '0A000', format('pg_cron is not installed in database "%s"', current_database()),
  'schedule_maintenance refuses without pg_cron');
select is((select hint from pg_temp.hint_of('select pgflow.schedule_flow(''j'', ''* * * * *'', ''sch_nocron'')')),
  'Run create extension pg_cron; it must be in shared_preload_libraries and cron.database_name must name this database.',
  'the hint says how to install it');

select * from finish();
rollback;
