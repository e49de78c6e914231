begin;
select plan(7);

-- No foreign keys hold pgflow's tables together (see the tables): the
-- invariants report a row whose parent is gone.
select pgflow.create_flow('inv_orphans');
select pgflow.add_step('inv_orphans', 'a');
select pgflow.add_step('inv_orphans', 'b', array['a']);
select run_id as rid from pgflow.start_flow('inv_orphans', '{}') \gset
select is_empty(format($$ select * from pgflow.check_invariants(%L) $$, :'rid'), 'a consistent run: nothing');

insert into pgflow.step_tasks (flow_slug, run_id, step_slug, message_id, task_index)
values ('inv_orphans', :'rid', 'zz', 999999, 7);
select ok(exists (select from pgflow.check_invariants(:'rid') where invariant = 'task_has_step_state'),
  'a task with no step state');
delete from pgflow.step_tasks where run_id = :'rid' and step_slug = 'zz';

insert into pgflow.step_states (flow_slug, run_id, step_slug)
values ('inv_orphans', '00000000-0000-4000-8000-0000000d0001', 'a');
select ok(exists (select from pgflow.check_invariants() where invariant = 'step_state_has_run'
                                                           and run_id = '00000000-0000-4000-8000-0000000d0001'),
  'a step state with no run');
insert into pgflow.step_states (flow_slug, run_id, step_slug) values ('inv_orphans', :'rid', 'gone');
select ok(exists (select from pgflow.check_invariants(:'rid') where invariant = 'step_state_has_step'),
  'a step state of a step that does not exist');

insert into pgflow.runs (run_id, flow_slug, input) values ('00000000-0000-4000-8000-0000000d0002', 'inv_no_flow', '{}');
select ok(exists (select from pgflow.check_invariants('00000000-0000-4000-8000-0000000d0002') where invariant = 'run_has_flow'),
  'a run of a flow that does not exist');
insert into pgflow.steps (flow_slug, step_slug) values ('inv_no_flow', 'x');
select ok(exists (select from pgflow.check_invariants() where invariant = 'step_has_flow'), 'a step of no flow');
insert into pgflow.deps (flow_slug, dep_slug, step_slug) values ('inv_orphans', 'nope', 'b');
select ok(exists (select from pgflow.check_invariants() where invariant = 'dep_has_steps'), 'a dependency on no step');

select * from finish();
rollback;
