begin;
select plan(7);

select pgflow.create_flow('rr_release');
select pgflow.add_step('rr_release', 'now');
select pgflow.add_step('rr_release', 'later', start_delay => 3600);
select run_id as rid from pgflow.start_flow('rr_release', '{}') \gset
select pgflow.pause_run(:'rid');
select count(*) from pgflow_tests.read_and_start('rr_release');
select message_id as later_mid from pgflow.step_tasks where run_id = :'rid' and step_slug = 'later' \gset

select is(cardinality(pgflow_tests.held_message_ids('rr_release')), 1, 'the message read while paused is held');
select pgflow.resume_run(:'rid');
select is(pgflow_tests.held_message_ids('rr_release'), '{}'::bigint[], 'resume releases it');
select results_eq($$ select step_slug, attempts_count from pgflow_tests.read_and_start('rr_release') $$,
  $$ values ('now'::text, 1) $$, 'a worker starts it at once');
select ok((select vt > now() + interval '50 minutes' from pgmq.q_rr_release where msg_id = :later_mid),
  'the delayed step keeps its start delay');
select results_eq(format($$ select step_slug, status from pgflow.step_tasks where run_id = %L order by 1 $$, :'rid'),
  $$ values ('later'::text, 'queued'::text), ('now', 'started') $$, 'the delayed task stays queued');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');
select pgflow_tests.make_visible('rr_release');
select results_eq($$ select step_slug from pgflow_tests.read_and_start('rr_release') $$,
  $$ values ('later'::text) $$, 'once due, the delayed task starts');

select * from finish();
rollback;
