begin;
select plan(11);

-- A worker of flow A cannot touch flow B: not its queue, not its tasks, not
-- its workers. Where it names flow B, the error names the role and the flow
-- and hints at grant_worker; given only a run of flow B, it learns nothing.
select pgflow_tests.new_role('worker_a') as wa \gset
select pgflow.create_flow('pv_flow_a');
select pgflow.add_step('pv_flow_a', 'a');
select pgflow.create_flow('pv_flow_b');
select pgflow.add_step('pv_flow_b', 'b');
select pgflow.grant_worker(:'wa', array['pv_flow_a']);
select run_id as run_b from pgflow.start_flow('pv_flow_b', '{}') \gset
select pgflow.register_worker('00000000-0000-4000-8000-0000000f00b1', 'pv_flow_b', 'w');
select count(*) from pgflow_tests.read_and_start('pv_flow_b');

select is(pgflow_tests.as_role(:'wa',
            $$ select 1 from pgflow.register_worker('00000000-0000-4000-8000-0000000f00a1', 'pv_flow_b', 'w') $$),
  format('ERROR 42501: role "%s" may not work on flow "pv_flow_b"', :'wa'), 'it cannot register for flow B');
select is(pgflow_tests.as_role(:'wa', $$ select count(*) from pgmq.read('pv_flow_b', 30, 10) $$),
  'ERROR 42501: permission denied for table q_pv_flow_b', 'it cannot read flow B''s queue');
select is(pgflow_tests.as_role(:'wa',
            $$ select count(*) from pgflow.start_tasks('pv_flow_b', array[1]::bigint[], '00000000-0000-4000-8000-0000000f00b1') $$),
  format('ERROR 42501: role "%s" may not work on flow "pv_flow_b"', :'wa'), 'it cannot start flow B''s tasks');
select is(pgflow_tests.as_role(:'wa', format($$ select count(*) from pgflow.complete_task(%L, 'b', 0, '{}') $$, :'run_b')),
  '0', 'it cannot complete flow B''s task: no row, as for a run that is not there');
select is(pgflow_tests.as_role(:'wa', format($$ select count(*) from pgflow.fail_task(%L, 'b', 0, 'x') $$, :'run_b')),
  '0', 'it cannot fail flow B''s task: no row, as for a run that is not there');
select is(pgflow_tests.as_role(:'wa', $$ select count(*) from pgflow.set_vt_batch('pv_flow_b', array[1]::bigint[], array[0]) $$),
  format('ERROR 42501: role "%s" may not work on flow "pv_flow_b"', :'wa'), 'it cannot hide flow B''s messages');
select is(pgflow_tests.as_role(:'wa', $$ select 1 from pgflow.heartbeat_worker('00000000-0000-4000-8000-0000000f00b1') $$),
  format('ERROR 42501: role "%s" may not work on flow "pv_flow_b"', :'wa'), 'it cannot heartbeat flow B''s worker');
select is(pgflow_tests.as_role(:'wa', $$ select 1 from pgflow.stop_worker('00000000-0000-4000-8000-0000000f00b1') $$),
  format('ERROR 42501: role "%s" may not work on flow "pv_flow_b"', :'wa'), 'it cannot stop flow B''s worker');
select is(pgflow_tests.as_role(:'wa',
            $$ select 1 from pgflow.register_worker('00000000-0000-4000-8000-0000000f00b1', 'pv_flow_a', 'w') $$),
  format('ERROR 42501: role "%s" may not work on flow "pv_flow_b"', :'wa'), 'it cannot take flow B''s worker over');

select throws_ok(
  format($$ do $do$ begin perform set_config('role', %L, true);
            perform pgflow.start_tasks('pv_flow_b', '{}', '00000000-0000-4000-8000-0000000f00b1'); end $do$ $$, :'wa'),
  '42501', null, 'the error is insufficient_privilege');
reset role;
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'run_b'), 'flow B''s run is untouched');

select * from finish();
rollback;
