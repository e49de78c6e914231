begin;
select plan(8);

-- A map step with when_exhausted 'skip' whose task fails for good: its tasks
-- still open will not run (they fail, "not run", their messages archived; a
-- late completion changes nothing), the completed one keeps its output, and
-- a map over it has no array: it is skipped too (dependency_skipped), in a
-- flow without conditions as in one with.
select pgflow.create_flow('we_map', max_attempts => 3);
select pgflow.add_step('we_map', 'items');
select pgflow.add_step('we_map', 'each', array['items'], step_type => 'map', when_exhausted => 'skip');
select pgflow.add_step('we_map', 'again', array['each'], step_type => 'map');
select pgflow.add_step('we_map', 'last', array['again']);
select run_id as rid from pgflow.start_flow('we_map', '{}') \gset
select pgflow_tests.run_task(:'rid', 'items', '[1, 2, 3]');
select pgflow_tests.run_task(:'rid', 'each', '10', 0);
select count(*) from pgflow_tests.read_and_start('we_map');   -- each/1 and each/2 started
select pgflow.fail_task(:'rid', 'each', 1, 'bad element', retryable => false);

select results_eq(format($$ select task_index, status, error_message from pgflow.step_tasks
                            where run_id = %L and step_slug = 'each' order by task_index $$, :'rid'),
  $$ values (0, 'completed'::text, null::text), (1, 'failed', 'bad element'),
            (2, 'failed', 'not run: step "each" was skipped after a task failed for good (when_exhausted)') $$,
  'the completed task is kept, the open one fails as not run');
select is_empty(format($$ select from pgmq.q_we_map where msg_id in (select message_id from pgflow.step_tasks
                                                                      where run_id = %L and step_slug = 'each') $$, :'rid'),
  'no message of the step is left');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'each', 2, '30')), 0, 'a late completion changes nothing');
select results_eq(format($$ select step_slug, status, skip_reason from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('again'::text, 'skipped'::text, 'dependency_skipped'::text), ('each', 'skipped', 'exhausted'),
            ('items', 'completed', null), ('last', 'started', null) $$,
  'the map over it is skipped; the step after that runs without it');
select is((select input from pgflow_tests.read_and_start('we_map')), '{"run": {}}'::jsonb, 'last gets the run input alone');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');
select pgflow.complete_task(:'rid', 'last', 0, '"ok"');
select is((select status from pgflow.runs where run_id = :'rid'), 'completed', 'the run completes');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
