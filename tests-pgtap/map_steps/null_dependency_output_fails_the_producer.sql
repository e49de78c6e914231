-- A single step whose dependent map gets null (JSON null, or the SQL NULL
-- that complete_task takes as a handler's "nothing") fails itself: its task
-- and step say why, with upstream pgflow 0.8.1's [TYPE_VIOLATION] tag, and
-- the task keeps no output. The map stays created, without tasks.
begin;
select plan(8);

select pgflow.create_flow('ms_null');
select pgflow.add_step('ms_null', 'd');
select pgflow.add_step('ms_null', 'm', array['d'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_null', '{}') \gset
select run_id as rid2 from pgflow.start_flow('ms_null', '{}') \gset
select count(*) from pgflow_tests.read_and_start('ms_null');

select is_empty(format($$ select * from pgflow.complete_task(%L, 'd', 0, 'null'::jsonb) $$, :'rid'),
  'complete_task returns no completed task');
select results_eq(format($$ select status, error_message, output from pgflow.step_tasks where run_id = %L and step_slug = 'd' $$, :'rid'),
  $$ values ('failed'::text, '[TYPE_VIOLATION] map step "m" needs an array, but step "d" output null'::text, null::jsonb) $$,
  'a JSON null output fails the producing task; null is kept as SQL NULL');
select results_eq(format($$ select step_slug, status, error_message from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('d'::text, 'failed'::text, '[TYPE_VIOLATION] map step "m" needs an array, but step "d" output null'::text),
            ('m', 'created', null) $$,
  'and its step, with the same message; the map stays created');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'and the run');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select pgflow.complete_task(:'rid2', 'd', 0, null);
select results_eq(format($$ select status, error_message, output from pgflow.step_tasks where run_id = %L and step_slug = 'd' $$, :'rid2'),
  $$ values ('failed'::text, '[TYPE_VIOLATION] map step "m" needs an array, but step "d" output null'::text, null::jsonb) $$,
  'an SQL NULL output too');
select is((select status from pgflow.runs where run_id = :'rid2'), 'failed', 'its run fails');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid2'), 'invariants hold');

select * from finish();
rollback;
