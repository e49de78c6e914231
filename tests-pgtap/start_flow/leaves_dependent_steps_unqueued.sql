begin;
select plan(5);

select pgflow.create_flow('sf_deps');
select pgflow.add_step('sf_deps', 'root');
select pgflow.add_step('sf_deps', 'mid', array['root']);
select pgflow.add_step('sf_deps', 'leaf', array['mid']);
select run_id as rid from pgflow.start_flow('sf_deps', '{}') \gset

select results_eq(format($$ select step_slug, status from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('leaf'::text, 'created'::text), ('mid', 'created'), ('root', 'started') $$,
  'only the root step is started');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug <> 'root' $$, :'rid'),
  'dependent steps have no tasks');
select is((select count(*)::integer from pgmq.q_sf_deps where message ->> 'run_id' = :'rid'), 1,
  'only one message in the queue: the root''s');
select ok((select bool_and(started_at is null) from pgflow.step_states where run_id = :'rid' and status = 'created'),
  'created steps have no started_at');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
