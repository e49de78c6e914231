begin;
select plan(6);

-- A join step whose two dependencies each output ~135 MB: together they pass
-- jsonb's limit of 268435455 bytes, so its input cannot be built
-- (program_limit_exceeded). 0.2.6 failed the whole start_tasks call, left the
-- task queued with no attempt counted, and as reads return the oldest first,
-- the flow never moved again. Now that task fails on its own, as any failed
-- attempt does, and the rest of the batch starts.
-- The big outputs are written into step_states directly, where complete_task
-- would leave them (complete_task itself takes seconds per 135 MB output).
select pgflow.create_flow('st_big', max_attempts => 2, base_delay => 5);
select pgflow.add_step('st_big', 'x');
select pgflow.add_step('st_big', 'y');
select pgflow.add_step('st_big', 'j', array['x', 'y']);
select run_id as big from pgflow.start_flow('st_big', '{}') \gset
select count(*) from pgflow_tests.read_and_start('st_big');
select count(*) from pgflow.complete_task(:'big', 'x', 0, '"small"');
select count(*) from pgflow.complete_task(:'big', 'y', 0, '"small"');
-- (lz4, where the server has it, stores them faster than pglz)
select set_config('default_toast_compression', 'lz4', true)
  from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals);
update pgflow.step_states
   set output = to_jsonb(repeat(step_slug, 135000000))
 where run_id = :'big' and step_slug in ('x', 'y');
-- another run's tasks in the same batch
select run_id as small from pgflow.start_flow('st_big', '{"n": 1}') \gset

create temp table started as select * from pgflow_tests.read_and_start('st_big');
select results_eq($$ select run_id, step_slug, input from started order by msg_id $$,
  format($$ values (%L::uuid, 'x'::text, '{"run": {"n": 1}}'::jsonb), (%1$L, 'y', '{"run": {"n": 1}}') $$, :'small'),
  'the rest of the batch starts: the other run''s tasks, read with the join task, get their inputs');

select results_eq(format($$ select status, attempts_count, started_at, error_message from pgflow.step_tasks
                              where run_id = %L and step_slug = 'j' $$, :'big'),
  $$ values ('queued'::text, 1, null::timestamptz,
             'the task''s input could not be built: total size of jsonb object elements exceeds the maximum of 268435455 bytes'::text) $$,
  'the join task failed an attempt, saying why, and is queued for its retry');
select ok((select q.vt between now() + interval '5 seconds' and clock_timestamp() + interval '5 seconds'
             from pgmq.q_st_big as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'big' and t.step_slug = 'j'),
  'its message waits out base_delay, as fail_task''s retries do');
select results_eq(format($$ select status from pgflow.runs where run_id = %L $$, :'big'), $$ values ('started'::text) $$,
  'its run goes on');
select is((select count(*)::integer from pgflow_tests.read_and_start('st_big')), 0,
  'no message is left to block the queue: the retry is delayed, the rest started');
select is_empty(format($$ select * from pgflow.check_invariants(%L) $$, :'big'), 'the run is consistent');

select * from finish();
rollback;
