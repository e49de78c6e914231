begin;
select plan(4);

-- Input is required: '{}' for none, 'null'::jsonb for JSON null.
select pgflow.create_flow('sf_nullin');
select pgflow.add_step('sf_nullin', 'a');
select throws_ok($$ select pgflow.start_flow('sf_nullin', null) $$,
  '22004', 'input of a run of flow "sf_nullin" must not be null', 'SQL null input is refused');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sf_nullin' $$, 'no run was created');
select is_empty($$ select 1 from pgflow.step_states where flow_slug = 'sf_nullin' $$, 'no step state was created');
select is(cardinality(pgflow_tests.queue_message_ids('sf_nullin')), 0, 'nothing was queued');

select * from finish();
rollback;
