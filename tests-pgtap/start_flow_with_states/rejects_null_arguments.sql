-- start_flow_with_states(flow_slug, input, run_id): start_flow's null checks
-- (22004 naming the argument) and nothing created; run_id null is a new id.
begin;
select plan(6);

select pgflow.create_flow('sfws_nulls');
select pgflow.add_step('sfws_nulls', 'a');

select throws_ok($$ select pgflow.start_flow_with_states(null, '{}') $$,
  '22004', 'flow slug must not be null', 'flow_slug null');
select throws_ok($$ select pgflow.start_flow_with_states('sfws_nulls', null) $$,
  '22004', 'input of a run of flow "sfws_nulls" must not be null', 'input null');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sfws_nulls' $$, 'no run was created');
select is(cardinality(pgflow_tests.queue_message_ids('sfws_nulls')), 0, 'nothing was queued');
select isnt(pgflow.start_flow_with_states('sfws_nulls', '{}', null) #>> '{run,run_id}', null,
  'run_id null: a new id is made');
select is((select prosecdef from pg_proc where oid = 'pgflow.start_flow_with_states(text,jsonb,uuid,text)'::regprocedure), false,
  'still an invoker function');

select * from finish();
rollback;
