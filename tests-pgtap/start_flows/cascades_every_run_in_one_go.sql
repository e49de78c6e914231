-- start_flows starts its runs together: root maps over empty arrays complete
-- at once (and their runs with them), the others queue a task per element,
-- messages go out in the order of the inputs, and conditions are tested for
-- each run by its own input.
begin;
select plan(7);

select pgflow.create_flow('sfc_map');
select pgflow.add_step('sfc_map', 'm', step_type => 'map');
select pgflow.add_step('sfc_map', 'after', array['m']);
create temp table runs as
select r.run_id, n from pgflow.start_flows('sfc_map', '[[], [1, 2], []]') with ordinality as r(run_id, flow_slug, status, input, output, remaining_steps, started_at, completed_at, failed_at, cancelled_at, cancel_reason, paused_at, idempotency_key, n);

select is((select array_agg(r.status order by x.n) from runs as x join pgflow.runs as r using (run_id)),
  array['started', 'started', 'started'], 'three runs started');
select is((select array_agg(ss.status order by x.n) from runs as x join pgflow.step_states as ss using (run_id) where ss.step_slug = 'm'),
  array['completed', 'started', 'completed'], 'the maps over [] completed at once');
select is((select array_agg(ss.status order by x.n) from runs as x join pgflow.step_states as ss using (run_id) where ss.step_slug = 'after'),
  array['started', 'created', 'started'], 'and queued their dependents');
select is((select array_agg(t.task_index order by t.message_id) from pgflow.step_tasks as t
            where t.flow_slug = 'sfc_map' and t.step_slug = 'm'),
  array[0, 1], 'the non-empty map queued a task per element, in order');

select pgflow.create_flow('sfc_cond');
select pgflow.add_step('sfc_cond', 'go', run_if => '{"run": {"go": true}}');
create temp table cond as
select r.run_id, n from pgflow.start_flows('sfc_cond', '[{"go": true}, {"go": false}, {"go": true}]')
  with ordinality as r(run_id, flow_slug, status, input, output, remaining_steps, started_at, completed_at, failed_at, cancelled_at, cancel_reason, paused_at, idempotency_key, n);
select is((select array_agg(ss.status order by x.n) from cond as x join pgflow.step_states as ss using (run_id)),
  array['started', 'skipped', 'started'], 'each run''s condition is tested against its own input');
select is((select array_agg(r.status order by x.n) from cond as x join pgflow.runs as r using (run_id)),
  array['started', 'completed', 'started'], 'the run whose only step was skipped completed');
select is_empty($$ select i.* from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i
                    where r.flow_slug in ('sfc_map', 'sfc_cond') $$,
  'invariants hold for every run');

select * from finish();
rollback;
