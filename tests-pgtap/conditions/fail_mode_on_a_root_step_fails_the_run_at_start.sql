begin;
select plan(5);

select pgflow.create_flow('cd_rootfail');
select pgflow.add_step('cd_rootfail', 'a', run_if => '{"run": {"ok": true}}', when_unmet => 'fail');
select pgflow.add_step('cd_rootfail', 'b');

select is((select status from pgflow.start_flow('cd_rootfail', '{"ok": false}')), 'failed',
  'start_flow returns the run, failed at once');
select results_eq($$ select ss.step_slug, ss.status from pgflow.step_states as ss join pgflow.runs as r using (run_id)
                     where r.flow_slug = 'cd_rootfail' order by ss.step_slug $$,
  $$ values ('a'::text, 'failed'::text), ('b', 'created') $$, 'a failed before anything was queued');
select is(cardinality(pgflow_tests.queue_message_ids('cd_rootfail')), 0, 'no message was sent');
select is_empty($$ select i from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i where r.flow_slug = 'cd_rootfail' $$,
  'invariants hold');
select is((select status from pgflow.start_flow('cd_rootfail', '{"ok": true}')), 'started', 'a matching input starts normally');

select * from finish();
rollback;
