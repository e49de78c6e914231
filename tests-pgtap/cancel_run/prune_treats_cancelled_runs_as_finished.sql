begin;
select plan(4);

select pgflow.create_flow('cr_prune');
select pgflow.add_step('cr_prune', 'a');
select run_id as old from pgflow.start_flow('cr_prune', '{}') \gset
select run_id as recent from pgflow.start_flow('cr_prune', '{}') \gset
select pgflow.cancel_run(:'old');
select pgflow.cancel_run(:'recent');
update pgflow.runs set started_at = now() - interval '10 days', cancelled_at = now() - interval '8 days'
 where run_id = :'old';

select is(pgflow.prune(interval '7 days'), 1, 'prune deletes the run cancelled long ago');
select is((select array_agg(run_id) from pgflow.runs where flow_slug = 'cr_prune'), array[:'recent'::uuid],
  'the recently cancelled run stays');
select is((select count(*)::integer from pgmq.a_cr_prune), 1, 'with only its archived message left');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'recent'), 'invariants hold');

select * from finish();
rollback;
