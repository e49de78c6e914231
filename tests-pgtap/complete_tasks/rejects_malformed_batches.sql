-- complete_tasks errors: SQLSTATE, a message naming the bad element, a hint,
-- and nothing of the batch kept (an unknown task after good ones undoes them).
begin;
select plan(14);

select pgflow.create_flow('cts_bad');
select pgflow.add_step('cts_bad', 'a');
select pgflow.add_step('cts_bad', 'b');
select run_id as rid from pgflow.start_flow('cts_bad', '{}') \gset
select pgflow_tests.read_and_start('cts_bad');

select throws_ok($$ select pgflow.complete_tasks(null) $$, '22023', 'tasks must be a JSON array, got NULL', 'null');
select throws_ok($$ select pgflow.complete_tasks('{}') $$, '22023', 'tasks must be a JSON array, got object', 'an object');
select throws_ok($$ select pgflow.complete_tasks('[1]') $$, '22023', 'task 1 of the batch is malformed: 1', 'an element that is no object');
select throws_ok(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a", "output": 1}, {"step_slug": "a", "output": 1}]') $$, :'rid'),
  '22023', 'task 2 of the batch is malformed: {"output": 1, "step_slug": "a"}', 'a missing run_id, by position');
select throws_ok($$ select pgflow.complete_tasks('[{"run_id": "x''; drop table pgflow.runs; --", "step_slug": "a", "output": 1}]') $$,
  '22023', 'task 1 of the batch is malformed: {"output": 1, "run_id": "x''; drop table pgflow.runs; --", "step_slug": "a"}',
  'a run_id that is no uuid');
select throws_ok(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": 7, "output": 1}]') $$, :'rid'),
  '22023', null, 'a step_slug that is no string');
select throws_ok(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a", "task_index": -1, "output": 1}]') $$, :'rid'),
  '22023', null, 'a negative task_index');
select throws_ok(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a", "task_index": 0.5, "output": 1}]') $$, :'rid'),
  '22023', null, 'a fractional task_index');
select throws_ok(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a", "task_index": "0", "output": 1}]') $$, :'rid'),
  '22023', null, 'a task_index that is a string');
select throws_ok(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a"}]') $$, :'rid'),
  '22023', null, 'a missing output (JSON null would be an output)');
select throws_ok(format($$ select pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a", "output": 1}, {"run_id": "%s", "step_slug": "nope", "output": 1}]') $$, :'rid', :'rid'),
  '42704', null, 'an unknown step is an error');
select is_empty($$ select pgflow.complete_tasks('[{"run_id": "00000000-0000-0000-0000-000000000000", "step_slug": "a", "output": 1}]') $$,
  'a run that is not there is left out: no row');
select is((select array_agg(status order by step_slug) from pgflow.step_tasks where run_id = :'rid'),
  array['started', 'started'], 'nothing of a refused batch was kept');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
