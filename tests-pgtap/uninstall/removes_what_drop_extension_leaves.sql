begin;
select plan(7);

-- DROP EXTENSION pgflow leaves pgmq's queues (with their data), the grants
-- pgflow gave and pg_cron's jobs. uninstall() removes them first. (The test
-- database has no pg_cron; its part is covered by _unschedule_job's tests.)
select pgflow_tests.new_role('worker') as w \gset
select pgflow.create_flow('un_a');
select pgflow.add_step('un_a', 'a');
select pgflow.create_flow('un_b');
select pgflow.add_step('un_b', 'b');
select pgflow.start_flow('un_a', '{}');
select pgflow.grant_worker(:'w', array['un_a']);
insert into pgflow.schedules (job_name, jobid, flow_slug) values ('un_restored_job', 4242, 'un_a');

select is(pgflow_tests.as_role(:'w', 'select pgflow.uninstall()'), 'ERROR 42501: permission denied for function uninstall',
  'no role but the owner (or a superuser) runs it');
select pgflow.uninstall();
select is_empty($$ select from pgmq.meta where queue_name in ('un_a', 'un_b') $$, 'every flow''s queue is dropped');
select ok(not has_function_privilege(:'w', 'pgflow.start_tasks(text, bigint[], uuid)', 'execute'),
  'the privileges pgflow granted are revoked');
select ok(not has_schema_privilege(:'w', 'pgmq', 'usage'), 'usage on pgmq that pgflow gave too');
select is_empty($$ select from pgflow.grants $$, 'pgflow.grants is empty');
select is_empty($$ select from pgflow.schedules $$, 'a record of a job with no pg_cron to remove it from goes');

select is_empty($$ select from pg_class where relnamespace = 'pgmq'::regnamespace and relname in ('q_un_a', 'a_un_a') $$,
  'no queue table of pgflow''s is left for drop extension to leave behind');

select * from finish();
rollback;
