begin;
select plan(9);

-- check_invariants() finds nothing on consistent runs, and names each
-- invariant a corrupted run breaks (the corruption is done by hand here).
select pgflow.create_flow('ci_flow');
select pgflow.add_step('ci_flow', 'a');
select pgflow.add_step('ci_flow', 'b', array['a']);
select pgflow.add_step('ci_flow', 'm', array['a'], step_type => 'map');
select run_id as done from pgflow.start_flow('ci_flow', '{}') \gset
select pgflow_tests.drive('ci_flow', '{"a": [[1, 2]]}');
select run_id as run from pgflow.start_flow('ci_flow', '{}') \gset

select is_empty($$ select * from pgflow.check_invariants() $$, 'consistent runs: no row');
select results_eq(format($$ select run_id, invariant from pgflow.check_invariants(%L) $$, '00000000-0000-4000-8000-00000000c1c1'),
  $$ values ('00000000-0000-4000-8000-00000000c1c1'::uuid, 'run_exists') $$, 'an unknown run is reported');

-- remaining counters off by one
update pgflow.runs set remaining_steps = remaining_steps + 1 where run_id = :'run';
select set_eq(format($$ select invariant from pgflow.check_invariants(%L) $$, :'run'),
  array['run_remaining_steps'], 'a wrong remaining_steps is run_remaining_steps');
update pgflow.runs set remaining_steps = remaining_steps - 1 where run_id = :'run';
update pgflow.step_states set remaining_deps = 0 where run_id = :'run' and step_slug = 'b';
select set_eq(format($$ select invariant from pgflow.check_invariants(%L) $$, :'run'),
  array['step_remaining_deps'], 'a wrong remaining_deps is step_remaining_deps');
update pgflow.step_states set remaining_deps = 1 where run_id = :'run' and step_slug = 'b';

-- the queue loses an open task's message
select pgmq.delete('ci_flow', (select message_id from pgflow.step_tasks where run_id = :'run' and step_slug = 'a'));
select set_eq(format($$ select invariant from pgflow.check_invariants(%L) $$, :'run'),
  array['open_task_has_message'], 'a lost message is open_task_has_message');

-- a completed map step with a short output, and a task still open in it
update pgflow.step_states set output = '[1]' where run_id = :'done' and step_slug = 'm';
select set_eq(format($$ select invariant from pgflow.check_invariants(%L) $$, :'done'),
  array['map_output_length'], 'a short map output is map_output_length');
update pgflow.step_states set output = '[{}, {}]' where run_id = :'done' and step_slug = 'm';
select is_empty(format($$ select * from pgflow.check_invariants(%L) $$, :'done'), 'repaired');
update pgflow.step_tasks set message_id = null where run_id = :'done' and step_slug = 'b';
select set_eq(format($$ select invariant from pgflow.check_invariants(%L) $$, :'done'),
  array['task_has_message_id'], 'a task without message is task_has_message_id');

-- the helper the suite uses delegates to it
select set_eq(format($$ select * from pgflow_tests.invariants(%L) $$, :'done'),
  array['task_has_message_id: task b/0 has no message id'], 'pgflow_tests.invariants() reports the same');

select * from finish();
rollback;
