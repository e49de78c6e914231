begin;
select plan(9);

-- retryable => false: the failure is permanent. The task, its step and the
-- run fail at once, with attempts left; the run's other work is archived; the
-- task keeps the attempt's error; step:failed says why (failure permanent).
create schema realtime;
set local pgflow.realtime = on;
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ft_perm', max_attempts => 5, base_delay => 1);
select pgflow.add_step('ft_perm', 'a');
select pgflow.add_step('ft_perm', 'b');
select run_id as rid from pgflow.start_flow('ft_perm', '{}') \gset
select count(*) from pgflow_tests.read_and_start('ft_perm');

select results_eq(
  format($$ select status, attempts_count, error_message from pgflow.fail_task(%L, 'a', 0, 'card declined', retryable => false) $$, :'rid'),
  $$ values ('failed'::text, 1, 'card declined'::text) $$,
  'the task fails on its first attempt of five, and keeps its error');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'a'), 'failed', 'its step fails');
select results_eq(format($$ select status, failed_at is not null from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('failed'::text, true) $$, 'and the run');
select is_empty(format($$ select from pgmq.q_ft_perm where msg_id in (select message_id from pgflow.step_tasks where run_id = %L) $$, :'rid'),
  'no message of the run is left in the queue');
select is((select payload ->> 'failure' from realtime.sent where event = 'step:a:failed'), 'permanent',
  'step:failed says the failure was permanent');
select is((select payload ->> 'error_message' from realtime.sent where event = 'run:failed'), 'card declined',
  'run:failed carries the error');
select is_empty(format($$ select * from pgflow.fail_task(%L, 'b', 0, 'late', false) $$, :'rid'),
  'a later report of the failed run changes nothing');
select is((select status from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b'), 'started',
  'the other task stays as the run''s failure left it');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
