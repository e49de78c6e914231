begin;
select plan(8);

-- One start_flow: every calling form of upstream's start_flow(flow_slug,
-- input, run_id) works and none is ambiguous.
select pgflow.create_flow('sf_forms');
select pgflow.add_step('sf_forms', 'a');

select is((select count(*)::integer from pg_proc where proname = 'start_flow'
             and pronamespace = 'pgflow'::regnamespace), 1, 'one function start_flow');
select lives_ok($$ select pgflow.start_flow('sf_forms', '{}') $$, 'start_flow(slug, input)');
select lives_ok($$ select pgflow.start_flow('sf_forms', '{}'::jsonb, '00000000-0000-4000-8000-00000000e201') $$,
  'start_flow(slug, input, run_id)');
select lives_ok($$ select pgflow.start_flow('sf_forms', '{}', null) $$, 'start_flow(slug, input, null)');
select lives_ok($$ select pgflow.start_flow(flow_slug => 'sf_forms', input => '{}',
                                            run_id => '00000000-0000-4000-8000-00000000e202') $$,
  'named arguments');
select lives_ok($$ select pgflow.start_flow('sf_forms', '{}', idempotency_key => 'k') $$, 'the key by name');
select lives_ok($$ select pgflow.start_flow('sf_forms', '{}', null, null) $$, 'four arguments, all defaults null');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sf_forms'), 6, 'each call started one run');

select * from finish();
rollback;
