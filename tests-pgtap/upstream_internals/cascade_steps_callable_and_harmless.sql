begin;
select plan(7);

-- Upstream pgflow 0.8.1's tests call three steps of its cascade by hand. The
-- engine runs them itself in the transaction that made work ready, so the
-- calls exist, change nothing and never queue a step twice.
select pgflow.create_flow('ui_flow');
select pgflow.add_step('ui_flow', 'm', step_type => 'map');
select pgflow.add_step('ui_flow', 'after', array['m']);
select run_id as rid from pgflow.start_flow('ui_flow', '[1, 2]') \gset
select pgflow.start_ready_steps(:'rid');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid'), 2, 'start_ready_steps queues nothing twice');
select is(pgflow.cascade_complete_taskless_steps(:'rid'), 0, 'cascade_complete_taskless_steps finds nothing to do');
select lives_ok(format($$ select pgflow.maybe_complete_run(%L) $$, :'rid'), 'maybe_complete_run on a running run');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'which stays started');
select throws_ok($$ select pgflow.start_ready_steps('00000000-0000-4000-8000-00000000beef') $$, '42704', null,
  'an unknown run is an error');
select pgflow.cancel_run(:'rid');
select is(pgflow.cascade_complete_taskless_steps(:'rid'), 0, 'a run that is not running: 0');
select is_empty(format($$ select * from pgflow.check_invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
