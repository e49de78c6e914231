begin;
select plan(3);

select pgflow.create_flow('st_live');
select pgflow.add_step('st_live', 'a');
select run_id as rid from pgflow.start_flow('st_live', '{}') \gset
select pgflow_tests.read_and_start('st_live');
-- the message shows up again (e.g. a reader's short vt) while the lease still holds
select pgflow_tests.make_visible('st_live');

select is_empty($$ select * from pgflow_tests.read_and_start('st_live') $$,
  'a started task within its lease is not started by another reader');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('started'::text, 1) $$, 'it stays at attempt 1');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
