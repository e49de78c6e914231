begin;
select plan(4);

select pgflow.create_flow('sf_states');
select pgflow.add_step('sf_states', 'a');
select pgflow.add_step('sf_states', 'b');
select pgflow.add_step('sf_states', 'c', array['a']);
select pgflow.add_step('sf_states', 'd', array['a', 'b', 'c']);
select run_id as rid from pgflow.start_flow('sf_states', '{}') \gset

select results_eq(format($$ select step_slug, remaining_deps, flow_slug from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('a'::text, 0, 'sf_states'::text), ('b', 0, 'sf_states'), ('c', 1, 'sf_states'), ('d', 3, 'sf_states') $$,
  'one step_state per step, remaining_deps = deps_count');
select results_eq(format($$ select ss.remaining_deps from pgflow.step_states as ss
                             join pgflow.steps as s using (flow_slug, step_slug)
                            where ss.run_id = %L order by s.step_index $$, :'rid'),
  $$ select deps_count from pgflow.steps where flow_slug = 'sf_states' order by step_index $$,
  'remaining_deps equals the steps'' deps_count');
select results_eq(format($$ select step_slug, status, initial_tasks, remaining_tasks from pgflow.step_states
                             where run_id = %L and step_slug in ('c', 'd') order by step_slug $$, :'rid'),
  $$ values ('c'::text, 'created'::text, 1, null::integer), ('d', 'created', 1, null) $$,
  'dependent steps are created, with one initial task and no remaining_tasks yet');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
