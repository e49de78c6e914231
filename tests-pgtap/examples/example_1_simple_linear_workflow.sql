begin;
select plan(11);

-- The contract's "Example 1: Simple Linear Workflow", as written, with the
-- worker's part (read the queue, start_tasks) played by pgflow_tests.read_and_start.

-- Define workflow
select * from pgflow.create_flow('email_report', 3, 5, 120);
select * from pgflow.add_step('email_report', 'generate_report');
select * from pgflow.add_step('email_report', 'send_email', array['generate_report']);

-- Start run
select run_id as rid from pgflow.start_flow('email_report', '{"recipient": "user@example.com"}'::jsonb) \gset

-- Worker processes 'generate_report' (polls queue, starts task, executes, completes)
create temp table started as select * from pgflow_tests.read_and_start('email_report');
select results_eq($$ select step_slug, input, task_index, attempts_count, timeout from started $$,
  $$ values ('generate_report'::text, '{"run": {"recipient": "user@example.com"}}'::jsonb, 0, 1, 120) $$,
  'the worker gets generate_report with the run input under "run"');
select results_eq(
  format($$ select step_slug, task_index, status, output from pgflow.complete_task(
              run_id := %L, step_slug := 'generate_report', task_index := 0,
              output := '{"report_url": "https://example.com/report.pdf"}'::jsonb) $$, :'rid'),
  $$ values ('generate_report'::text, 0, 'completed'::text, '{"report_url": "https://example.com/report.pdf"}'::jsonb) $$,
  'complete_task returns the completed task');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run goes on');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the first step');

-- Worker processes 'send_email' (receives input with report_url from generate_report)
truncate started;
insert into started select * from pgflow_tests.read_and_start('email_report');
select results_eq($$ select step_slug, input from started $$,
  $$ values ('send_email'::text, '{"run": {"recipient": "user@example.com"},
                                   "generate_report": {"report_url": "https://example.com/report.pdf"}}'::jsonb) $$,
  'send_email receives the run input and generate_report''s output');
select results_eq(
  format($$ select step_slug, status from pgflow.complete_task(
              run_id := %L, step_slug := 'send_email', task_index := 0,
              output := '{"email_sent": true, "message_id": "abc123"}'::jsonb) $$, :'rid'),
  $$ values ('send_email'::text, 'completed'::text) $$, 'complete_task returns the completed task');

-- Check final status
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"send_email": {"email_sent": true, "message_id": "abc123"}}'::jsonb) $$,
  'status completed, output {"send_email": {...}}');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 0, 'no step remains');
select results_eq(format($$ select step_slug, status from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('generate_report'::text, 'completed'::text), ('send_email', 'completed') $$, 'both steps completed');
select is(cardinality(pgflow_tests.queue_message_ids('email_report')), 0, 'the queue is empty');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
