-- A task listed twice in one batch completes once, with the first output
-- given; an unknown step anywhere in a batch fails the whole batch.
begin;
select plan(5);

select pgflow.create_flow('ctd_twice');
select pgflow.add_step('ctd_twice', 'a');
select pgflow.add_step('ctd_twice', 'b', array['a']);
select run_id as r from pgflow.start_flow('ctd_twice', '{}') \gset
select count(*) from pgflow_tests.read_and_start('ctd_twice');

select throws_ok(format($$ select * from pgflow.complete_tasks(jsonb_build_array(
            jsonb_build_object('run_id', %L, 'step_slug', 'a', 'output', 1),
            jsonb_build_object('run_id', %L, 'step_slug', 'nope', 'output', 2))) $$, :'r', :'r'),
  '42704', 'step "nope" does not exist in flow "ctd_twice"', 'an unknown step fails the batch');
select is((select status from pgflow.step_tasks where run_id = :'r' and step_slug = 'a'), 'started',
  'and nothing of it stays');

select is((select count(*)::integer from pgflow.complete_tasks(jsonb_build_array(
            jsonb_build_object('run_id', :'r', 'step_slug', 'a', 'output', '"first"'::jsonb),
            jsonb_build_object('run_id', :'r', 'step_slug', 'a', 'output', '"second"'::jsonb)))), 1,
  'the task listed twice is returned once');
select is((select output from pgflow.step_states where run_id = :'r' and step_slug = 'a'), '"first"'::jsonb,
  'with the first output');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'r' and step_slug = 'b'), 1,
  'and its dependent queued once');

select * from finish();
rollback;
