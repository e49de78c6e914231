-- A task that complete_task would leave alone (still queued, completed
-- already, listed twice, or of a finished run) is left alone in a batch too;
-- the others of the batch complete.
begin;
select plan(6);

select pgflow.create_flow('cts_ignore', 1, 0, 60);
select pgflow.add_step('cts_ignore', 'a');
select pgflow.add_step('cts_ignore', 'b');
select run_id as r1 from pgflow.start_flow('cts_ignore', '{}') \gset
select run_id as r2 from pgflow.start_flow('cts_ignore', '{}') \gset
-- start the tasks of r1 only, and r2's 'a'
select pgflow.start_tasks('cts_ignore',
  array(select message_id from pgflow.step_tasks where run_id = :'r1' or (run_id = :'r2' and step_slug = 'a')),
  pgflow_tests.worker_for('cts_ignore'));
-- r2 fails through its 'a'
select pgflow.fail_task(:'r2', 'a', 0, 'boom');

select is((select array_agg(step_slug order by step_slug) from pgflow.complete_tasks(jsonb_build_array(
    jsonb_build_object('run_id', :'r1', 'step_slug', 'a', 'output', 1),
    jsonb_build_object('run_id', :'r1', 'step_slug', 'a', 'output', 2),
    jsonb_build_object('run_id', :'r2', 'step_slug', 'b', 'output', 3),
    jsonb_build_object('run_id', :'r1', 'step_slug', 'b', 'output', 4)))),
  array['a', 'b'], 'only the first report of r1''s started tasks completes');
select is((select output from pgflow.step_tasks where run_id = :'r1' and step_slug = 'a'), '1'::jsonb,
  'the first of two reports of a task wins');
select is((select status from pgflow.step_tasks where run_id = :'r2' and step_slug = 'b'), 'queued',
  'a queued task of a failed run stays as it is');
select is((select status from pgflow.runs where run_id = :'r1'), 'completed', 'r1 completed');
select is((select status from pgflow.runs where run_id = :'r2'), 'failed', 'r2 stays failed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$, :'r1', :'r2'),
  'invariants hold');

select * from finish();
rollback;
