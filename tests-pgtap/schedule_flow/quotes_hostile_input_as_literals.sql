-- pg_cron runs only in the database that cron.database_name names
-- ('postgres'), not in the test database: this file works there through
-- dblink, where every statement commits. It removes what it made there (the
-- flow sch_quote, its runs and queue, and the jobs named sch_quote*) at the end,
-- and at the start should an earlier run have died half way; the extensions stay.
begin;
select plan(3);

select pgflow_tests.cron_connect();

select pgflow_tests.cron_cleanup('sch_quote');
select pgflow_tests.cron_remote($$ select pgflow.create_flow('sch_quote')::text $$);
select pgflow_tests.cron_remote($$ select pgflow.add_step('sch_quote', 'only')::text $$);

select pgflow_tests.cron_remote($$ select pgflow.schedule_flow('sch_quote_job', '0 * * * *', 'sch_quote',
                                                    '{"a": "''); drop table x; --"}') $$);

select is(pgflow_tests.cron_remote($$ select command from cron.job where jobname = 'sch_quote_job' $$),
  $$select pgflow.start_flow('sch_quote', '{"a": "''); drop table x; --"}'::jsonb)$$,
  'the input is one quoted literal in the command');
-- What pg_cron would run, run once by hand: it starts a run with exactly that input.
select pgflow_tests.cron_remote(format('with c as (%s) select count(*)::text from c',
  pgflow_tests.cron_remote($$ select command from cron.job where jobname = 'sch_quote_job' $$)));
select is(pgflow_tests.cron_remote($$ select input::text from pgflow.runs where flow_slug = 'sch_quote' $$),
  '{"a": "''); drop table x; --"}', 'the command starts a run with the input unchanged');
select is(pgflow_tests.cron_remote($$ select count(*) from pgflow.runs where flow_slug = 'sch_quote' $$)::integer, 1,
  'and does nothing else');

select pgflow_tests.cron_cleanup('sch_quote');
select dblink_disconnect('cron');

select * from finish();
rollback;
