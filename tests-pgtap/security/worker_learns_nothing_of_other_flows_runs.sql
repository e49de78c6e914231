begin;
select plan(7);

-- A worker of flow A, given the id of a run of flow C, gets exactly what it
-- gets for a run id that does not exist: no row, no error, nothing changed.
select pgflow_tests.new_role('worker_a') as wa \gset
select pgflow.create_flow('sec_learn_a');
select pgflow.add_step('sec_learn_a', 'a');
select pgflow.create_flow('sec_learn_c');
select pgflow.add_step('sec_learn_c', 'c');
select pgflow.grant_worker(:'wa', array['sec_learn_a']);
select run_id as run_c from pgflow.start_flow('sec_learn_c', '{}') \gset
select count(*) from pgflow_tests.read_and_start('sec_learn_c');

create function pg_temp.answer(q text) returns text language sql as $$ select pgflow_tests.as_role(current_setting('t.role'), q) $$;
select set_config('t.role', :'wa', true);

select is(pg_temp.answer(format($$ select count(*) from pgflow.complete_task(%L, 'c', 0, '{}') $$, :'run_c')),
          pg_temp.answer($$ select count(*) from pgflow.complete_task('00000000-0000-4000-8000-00000000dead', 'c', 0, '{}') $$),
  'complete_task: a run of another flow answers as a run that does not exist');
select is(pg_temp.answer(format($$ select count(*) from pgflow.fail_task(%L, 'c', 0, 'x') $$, :'run_c')),
          pg_temp.answer($$ select count(*) from pgflow.fail_task('00000000-0000-4000-8000-00000000dead', 'c', 0, 'x') $$),
  'fail_task: the same');
select is(pg_temp.answer(format($$ select count(*) from pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "nope", "output": 1}]') $$, :'run_c')),
          pg_temp.answer($$ select count(*) from pgflow.complete_tasks('[{"run_id": "00000000-0000-4000-8000-00000000dead", "step_slug": "nope", "output": 1}]') $$),
  'complete_tasks: the same, even for a step the run does not have');
select is(pg_temp.answer(format($$ select count(*) from pgflow.complete_task(%L, 'c', 0, '{}') $$, :'run_c')), '0',
  'and that answer is no row');
select is((select status from pgflow.step_tasks where run_id = :'run_c'), 'started', 'flow C''s task is untouched');

-- Its own runs still work, in the same batch as another flow's.
select run_id as run_a from pgflow.start_flow('sec_learn_a', '{}') \gset
select count(*) from pgflow_tests.read_and_start('sec_learn_a');
select is(pg_temp.answer(format($$ select string_agg(step_slug, ',') from pgflow.complete_tasks('[{"run_id": "%s", "step_slug": "a", "output": 1}, {"run_id": "%s", "step_slug": "c", "output": 1}]') $$, :'run_a', :'run_c')),
  'a', 'a batch with its own task and another flow''s completes its own only');
select is((select status from pgflow.step_tasks where run_id = :'run_c'), 'started', 'flow C''s task is still untouched');

select * from finish();
rollback;
