begin;
select plan(8);

select pgflow.create_flow('sf_run', 3, 0, 60);
select pgflow.add_step('sf_run', 'r1');
select pgflow.add_step('sf_run', 'r2');
select pgflow.add_step('sf_run', 'd', array['r1', 'r2']);
select * into temp sf_row from pgflow.start_flow('sf_run', '{"in": [1, 2]}', '00000000-0000-4000-8000-0000000005f1');

select results_eq($$ select run_id, flow_slug, status, input, output, remaining_steps from sf_row $$,
  $$ values ('00000000-0000-4000-8000-0000000005f1'::uuid, 'sf_run'::text, 'started'::text, '{"in": [1, 2]}'::jsonb, null::jsonb, 3) $$,
  'start_flow returns the run: started, its input, 3 remaining steps, the given run_id');
select results_eq($$ select step_slug, status, remaining_deps, initial_tasks from pgflow.step_states
                     where run_id = '00000000-0000-4000-8000-0000000005f1' order by step_slug $$,
  $$ values ('d'::text, 'created'::text, 2, 1), ('r1', 'started', 0, 1), ('r2', 'started', 0, 1) $$,
  'one step state per step; root steps started, the dependent waits for 2');
select is((select count(*)::integer from pgflow.step_tasks where run_id = '00000000-0000-4000-8000-0000000005f1'), 2,
  'a task per root step');
select is((select count(*)::integer from pgmq.q_sf_run), 2, 'and a message per task');
select ok((select bool_and(t.message_id = q.msg_id and q.message ->> 'step_slug' = t.step_slug
                           and (q.message ->> 'run_id')::uuid = t.run_id)
             from pgflow.step_tasks as t join pgmq.q_sf_run as q on q.msg_id = t.message_id
            where t.flow_slug = 'sf_run'),
  'each message names its task');
select is((select count(*)::integer from pgflow.start_flow('sf_run', '"any json"')), 1, 'any JSON value is an input');
select isnt((select run_id from pgflow.start_flow('sf_run', 'null'::jsonb)), null, 'JSON null too, with a new run_id');
select is_empty($$ select * from pgflow_tests.invariants('00000000-0000-4000-8000-0000000005f1') $$, 'invariants hold');

select * from finish();
rollback;
