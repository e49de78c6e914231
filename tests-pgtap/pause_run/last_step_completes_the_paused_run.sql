begin;
select plan(4);

select pgflow.create_flow('pr_last');
select pgflow.add_step('pr_last', 'a');
select run_id as rid from pgflow.start_flow('pr_last', '{}') \gset
select pgflow_tests.read_and_start('pr_last');
select pgflow.pause_run(:'rid');
select pgflow.complete_task(:'rid', 'a', 0, '"done"');

select results_eq(format($$ select status, paused_at, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, null::timestamptz, '{"a": "done"}'::jsonb) $$,
  'the last step completing completes the paused run');
select throws_ok(format($$ select pgflow.resume_run(%L) $$, :'rid'), '55000', null, 'it cannot be resumed any more');
select throws_ok(format($$ select pgflow.pause_run(%L) $$, :'rid'), '55000', null, 'nor paused');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
