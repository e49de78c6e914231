begin;
select plan(6);

-- cancel_run cancels a waiting signal step like any open step; prune
-- deletes the signals of the runs it deletes.
select pgflow.create_flow('sst_cancel');
select pgflow.add_step('sst_cancel', 'a');
select pgflow.add_step('sst_cancel', 'approve', array['a'], step_type => 'signal');
select run_id as run_w from pgflow.start_flow('sst_cancel', '{}') \gset
select run_id as run_e from pgflow.start_flow('sst_cancel', '{}') \gset
select pgflow_tests.run_task(:'run_w', 'a', '1');
select pgflow.send_signal(:'run_e', 'approve', '"early"');
select pgflow.cancel_run(:'run_w');
select pgflow.cancel_run(:'run_e');

select is((select status from pgflow.step_states where run_id = :'run_w' and step_slug = 'approve'), 'cancelled',
  'a waiting signal step is cancelled');
select is((select status from pgflow.step_states where run_id = :'run_e' and step_slug = 'approve'), 'cancelled',
  'so is one with a kept signal');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$,
                       :'run_w', :'run_e'), 'invariants hold');
update pgflow.runs set started_at = now() - interval '2 days', cancelled_at = now() - interval '1 day'
 where run_id in (:'run_w', :'run_e');
select is(pgflow.prune(interval '1 hour') >= 2, true, 'prune deletes them');
select is_empty(format($$ select from pgflow.signals where run_id in (%L, %L) $$, :'run_w', :'run_e'),
  'with their signals');
select is_empty($$ select * from pgflow.check_invariants() where invariant like 'signal%' $$,
  'no signal is left without its run');

select * from finish();
rollback;
