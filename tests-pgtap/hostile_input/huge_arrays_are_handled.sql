begin;
select plan(6);

-- Huge arrays: a million message ids, ten thousand dependencies or flows.
-- Each call either does its job on the ids that mean something or is
-- rejected with a clear error, and leaves nothing half-changed.
select pgflow.create_flow('ha_flow');
select pgflow.add_step('ha_flow', 'a');
select run_id as run from pgflow.start_flow('ha_flow', '{}') \gset
select pgflow_tests.worker_for('ha_flow');
select pgflow_tests.new_role('huge') as role \gset

set local client_min_messages = error;  -- start_tasks warns, listing the stray ids
select is((select count(*)::integer from pgflow.start_tasks('ha_flow',
             array(select m.msg_id from pgmq.q_ha_flow as m) || array(select -g::bigint from generate_series(1, 1000000) as g),
             pgflow_tests.worker_for('ha_flow'))),
  1, 'start_tasks with a million unknown ids starts the one real task');
reset client_min_messages;
select is((select count(*)::integer from pgflow.set_vt_batch('ha_flow',
             array(select -g::bigint from generate_series(1, 1000000) as g), array_fill(5, array[1000000]))),
  0, 'set_vt_batch with a million unknown ids changes nothing');
select throws_ok($$ select pgflow.add_step('ha_flow', 'b', array(select 'd' || g from generate_series(1, 10000) as g)) $$,
  '23503', null, 'add_step with 10,000 unknown dependencies is refused');
select throws_ok(format($$ select pgflow.grant_worker(%L, array(select 'f' || g from generate_series(1, 10000) as g)) $$, :'role'),
  '42704', 'flow "f1" does not exist', 'grant_worker with 10,000 unknown flows is refused');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'ha_flow'), 1, 'no step was added');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'run'), 'invariants hold');

select * from finish();
rollback;
