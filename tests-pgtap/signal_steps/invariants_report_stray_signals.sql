begin;
select plan(3);

-- check_invariants reports a signal whose run (or signal step) does not
-- exist, a started step whose signal came but was not applied, and a task
-- of a signal step.
select pgflow.create_flow('sst_inv');
select pgflow.add_step('sst_inv', 'a');
select pgflow.add_step('sst_inv', 'approve', step_type => 'signal');
select run_id from pgflow.start_flow('sst_inv', '{}') \gset

insert into pgflow.signals (run_id, step_slug, flow_slug, payload)
values ('00000000-0000-4000-8000-00000000f101', 'approve', 'sst_inv', '{}');
select results_eq($$ select invariant from pgflow.check_invariants()
                      where run_id = '00000000-0000-4000-8000-00000000f101' $$,
  $$ values ('signal_has_signal_step'::text) $$, 'a signal of an unknown run');
-- written behind the engine's back: the signal is not applied
insert into pgflow.signals (run_id, step_slug, flow_slug, payload) values (:'run_id', 'approve', 'sst_inv', '{}');
insert into pgflow.signals (run_id, step_slug, flow_slug, payload) values (:'run_id', 'a', 'sst_inv', '{}');
select set_config('t.run', :'run_id', true);
select results_eq($$ select invariant from pgflow.check_invariants(current_setting('t.run')::uuid) order by 1 $$,
  $$ values ('signal_has_signal_step'::text), ('signalled_step_does_not_wait') $$,
  'a signal to a task step, and one not applied');
insert into pgflow.step_tasks (flow_slug, run_id, step_slug, message_id) values ('sst_inv', :'run_id', 'approve', 0);
select ok(exists (select from pgflow.check_invariants(:'run_id') where invariant = 'signal_step_has_no_task'),
  'a task of a signal step');

select * from finish();
rollback;
