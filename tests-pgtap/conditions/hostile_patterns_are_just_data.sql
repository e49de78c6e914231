begin;
select plan(6);

-- Patterns are compared as JSON values: nothing in them is ever run as SQL.
select pgflow.create_flow('cd_hostile');
select pgflow.add_step('cd_hostile', 'a',
  run_if => jsonb_build_object('run', jsonb_build_object(
    'q', $q$'); drop table pgflow.runs; --$q$,
    'x', 'select pg_sleep(10)',
    $k$k"'; delete from pgflow.flows; --$k$, true)));
-- 200 levels deep
select pgflow.add_step('cd_hostile', 'deep',
  run_if => (select jsonb_build_object('run', (string_agg('{"d": ', '') || '1' || string_agg('}', ''))::jsonb)
               from generate_series(1, 200)));

select run_id as r1 from pgflow.start_flow('cd_hostile', jsonb_build_object(
    'q', $q$'); drop table pgflow.runs; --$q$,
    'x', 'select pg_sleep(10)',
    $k$k"'; delete from pgflow.flows; --$k$, true)) \gset
select is((select status from pgflow.step_states where run_id = :'r1' and step_slug = 'a'), 'started',
  'an input equal to the hostile strings matches them, as text');
select is((select status from pgflow.step_states where run_id = :'r1' and step_slug = 'deep'), 'skipped',
  'the deep pattern does not match a shallow input');
select has_table('pgflow', 'runs', 'pgflow.runs is still there');
select is((select count(*)::integer from pgflow.flows where flow_slug = 'cd_hostile'), 1, 'and the flow too');

select run_id as r2 from pgflow.start_flow('cd_hostile',
  (select (string_agg('{"d": ', '') || '1' || string_agg('}', ''))::jsonb from generate_series(1, 200))) \gset
select is((select status from pgflow.step_states where run_id = :'r2' and step_slug = 'deep'), 'started',
  'an input as deep as the pattern matches it');
select is_empty(format('select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L)',
                       :'r1', :'r2'), 'invariants hold');

select * from finish();
rollback;
