-- A string output (even one that looks like an array) where a dependent map
-- needs an array fails the producing step and the run; the map's dependent
-- never starts.
begin;
select plan(3);

select pgflow.create_flow('ms_str');
select pgflow.add_step('ms_str', 'd');
select pgflow.add_step('ms_str', 'm', array['d'], step_type => 'map');
select pgflow.add_step('ms_str', 'after', array['m']);
select run_id as rid from pgflow.start_flow('ms_str', '{}') \gset
select pgflow_tests.read_and_start('ms_str');
select pgflow.complete_task(:'rid', 'd', 0, '"[1, 2]"');

select results_eq(format($$ select step_slug, status, error_message from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('after'::text, 'created'::text, null::text),
            ('d', 'failed', '[TYPE_VIOLATION] map step "m" needs an array, but step "d" output string'),
            ('m', 'created', null) $$,
  'the producer fails, naming the type; the map and its dependent stay created');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run fails');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
