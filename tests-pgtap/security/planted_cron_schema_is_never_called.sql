begin;
select plan(7);

-- The test database has no pg_cron. A role with CREATE on the database makes
-- a schema cron with pg_cron's function names and a job table; pgflow's
-- scheduling functions, which run as its owner, must call none of it.
-- (Without dblink, dropped in this transaction, they cannot reach pg_cron's
-- database either; its name is built so that the runner does not skip this file.)
select format('drop extension if exists %I', 'db' || 'link') \gexec
select pgflow_tests.new_role('mallory') as m \gset
select format('grant create on database %I to %I', current_database(), :'m') \gexec
set local role :m;
create schema cron;
create table cron.calls (fn text, caller text);
create table cron.job (jobid bigint, jobname text, username text, command text);
create function cron.schedule(text, text, text) returns bigint language plpgsql as $$
begin insert into cron.calls values ('schedule', current_user); return 1; end $$;
create function cron.unschedule(bigint) returns boolean language plpgsql as $$
begin insert into cron.calls values ('unschedule', current_user); return true; end $$;
create function cron.unschedule(text) returns boolean language plpgsql as $$
begin insert into cron.calls values ('unschedule', current_user); return true; end $$;
insert into cron.job values (1, 'sec_cron_job', current_user, 'select 1');
grant usage on schema cron to public;
grant insert, select on cron.calls, cron.job to public;
reset role;

select pgflow.create_flow('sec_cron');
select pgflow.add_step('sec_cron', 'a');
select throws_ok($$ select pgflow.schedule_flow('sec_cron_job', '* * * * *', 'sec_cron') $$,
  '0A000', null, 'schedule_flow: the planted schema is not pg_cron');
select throws_ok($$ select pgflow.unschedule_flow('sec_cron_job') $$,
  '42704', 'pgflow scheduled no cron job "sec_cron_job"', 'unschedule_flow: the planted job is not pgflow''s');
select throws_ok($$ select pgflow.schedule_maintenance() $$,
  '0A000', null, 'schedule_maintenance: the same');
select lives_ok($$ select pgflow.delete_flow_and_data('sec_cron') $$, 'delete_flow_and_data works without pg_cron');
select is_empty($$ select from cron.calls $$, 'no planted function ran');
select throws_ok($$ select pgflow._cron_job_table() $$, '0A000', null, 'the planted job table is not pg_cron''s');
select is((select rolsuper from pg_roles where rolname = :'m'), false, 'the planting role gained nothing');

select * from finish();
rollback;
