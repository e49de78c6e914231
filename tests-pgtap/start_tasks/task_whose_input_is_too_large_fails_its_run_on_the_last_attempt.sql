begin;
select plan(5);

-- As in task_whose_input_is_too_large_fails_alone, on the last attempt: the
-- task, its step and its run fail like any task failing its last attempt
-- (fail_task), and the other run's tasks in the same batch start.
select pgflow.create_flow('st_big_last', max_attempts => 1);
select pgflow.add_step('st_big_last', 'x');
select pgflow.add_step('st_big_last', 'y');
select pgflow.add_step('st_big_last', 'j', array['x', 'y']);
select run_id as big from pgflow.start_flow('st_big_last', '{}') \gset
select count(*) from pgflow_tests.read_and_start('st_big_last');
select count(*) from pgflow.complete_task(:'big', 'x', 0, '"small"');
select count(*) from pgflow.complete_task(:'big', 'y', 0, '"small"');
select set_config('default_toast_compression', 'lz4', true)
  from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals);
update pgflow.step_states
   set output = to_jsonb(repeat(step_slug, 135000000))
 where run_id = :'big' and step_slug in ('x', 'y');
select run_id as small from pgflow.start_flow('st_big_last', '{"n": 2}') \gset

select results_eq($$ select run_id, step_slug from pgflow_tests.read_and_start('st_big_last') order by msg_id $$,
  format($$ values (%L::uuid, 'x'::text), (%1$L, 'y') $$, :'small'),
  'the other run''s tasks start');
select results_eq(format($$ select status, attempts_count, error_message from pgflow.step_tasks
                              where run_id = %L and step_slug = 'j' $$, :'big'),
  $$ values ('failed'::text, 1,
             'the task''s input could not be built: total size of jsonb object elements exceeds the maximum of 268435455 bytes'::text) $$,
  'the join task failed its one attempt, saying why');
select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L and step_slug = 'j' $$, :'big'),
  $$ values ('failed'::text,
             'the task''s input could not be built: total size of jsonb object elements exceeds the maximum of 268435455 bytes'::text) $$,
  'its step failed with the same message');
select results_eq(format($$ select status from pgflow.runs where run_id in (%L, %L) order by run_id = %1$L desc $$, :'big', :'small'),
  $$ values ('failed'::text), ('started') $$, 'its run failed; the other run goes on');
select is_empty(format($$ select * from pgflow.check_invariants(%L) $$, :'big'), 'the failed run is consistent');

select * from finish();
rollback;
