-- An object output where a dependent map needs an array fails the step that
-- produced it (the bad value is its output), as upstream pgflow 0.8.1 does:
-- the task keeps the output, task and step name both steps and the type,
-- the run fails and its other work is archived; the map makes no task.
begin;
select plan(10);

select pgflow.create_flow('ms_obj');
select pgflow.add_step('ms_obj', 'd');
select pgflow.add_step('ms_obj', 'side');
select pgflow.add_step('ms_obj', 'm', array['d'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_obj', '{}') \gset
select pgflow_tests.read_and_start('ms_obj');
select message_id as side_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'side' \gset
select message_id as d_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'd' \gset

select is_empty(format($$ select * from pgflow.complete_task(%L, 'd', 0, '{"items": [1, 2]}') $$, :'rid'),
  'complete_task returns no completed task');
select results_eq(format($$ select status, output, error_message, failed_at is not null from pgflow.step_tasks
                             where run_id = %L and step_slug = 'd' $$, :'rid'),
  $$ values ('failed'::text, '{"items": [1, 2]}'::jsonb,
             '[TYPE_VIOLATION] map step "m" needs an array, but step "d" output object'::text, true) $$,
  'the producing task fails, keeps the output and says why');
select results_eq(format($$ select status, error_message, failed_at is not null from pgflow.step_states
                             where run_id = %L and step_slug = 'd' $$, :'rid'),
  $$ values ('failed'::text, '[TYPE_VIOLATION] map step "m" needs an array, but step "d" output object'::text, true) $$,
  'so does its step');
select results_eq(format($$ select status, initial_tasks from pgflow.step_states where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('created'::text, null::integer) $$, 'the map stays created, without a task count');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run fails');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug = 'm' $$, :'rid'), 'no map task is made');
select is_empty(format($$ select * from pgmq.q_ms_obj where msg_id in (%s, %s) $$, :'side_msg', :'d_msg'),
  'the producer''s message and the run''s other work are archived');
select is((select count(*)::integer from pgmq.a_ms_obj where msg_id = :'d_msg'), 1, 'the producer''s message is in the archive');
select is_empty(format($$ select * from pgflow.complete_task(%L, 'side', 0, '{}') $$, :'rid'), 'later completions change nothing');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
