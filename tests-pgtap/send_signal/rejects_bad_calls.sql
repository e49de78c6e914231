begin;
select plan(14);

-- Every bad call raises with an SQLSTATE, a message naming the value and a
-- hint, and changes nothing.
create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end;
$$;
select pgflow.create_flow('ss_bad');
select pgflow.add_step('ss_bad', 'a');
select pgflow.add_step('ss_bad', 'approve', array['a'], step_type => 'signal');
select pgflow.add_step('ss_bad', 'gate', step_type => 'signal', run_if => '{"run": {"go": true}}');
select run_id from pgflow.start_flow('ss_bad', '{}') \gset
select set_config('t.run', :'run_id', true);

select throws_ok($$ select pgflow.send_signal(null, 'approve', '{}') $$, '22004', 'run_id must not be null', 'null run');
select throws_ok(format($$ select pgflow.send_signal(%L, null, '{}') $$, :'run_id'), '22004',
  format('step_slug of a signal to run "%s" must not be null', :'run_id'), 'null step');
select throws_ok(format($$ select pgflow.send_signal(%L, 'approve', null) $$, :'run_id'), '22004',
  'payload of a signal to step "approve" must not be null', 'null payload');
select throws_ok($$ select pgflow.send_signal('00000000-0000-4000-8000-00000000f001', 'approve', '{}') $$, '42704',
  'run "00000000-0000-4000-8000-00000000f001" does not exist', 'unknown run');
select throws_ok(format($$ select pgflow.send_signal(%L, 'nope', '{}') $$, :'run_id'), '42704',
  'step "nope" does not exist in flow "ss_bad"', 'unknown step');
select is(pg_temp.hint_of(format($$ select pgflow.send_signal(%L, 'nope', '{}') $$, :'run_id')),
  'Send a signal to a signal step of the run''s flow (pgflow.steps, step_type ''signal'').', 'with a hint');
select throws_ok(format($$ select pgflow.send_signal(%L, repeat('x', 300), '{}') $$, :'run_id'), '42704',
  format('step "%s" does not exist in flow "ss_bad"', repeat('x', 200)), 'a long slug is cut in the message');
select throws_ok(format($$ select pgflow.send_signal(%L, 'a', '{}') $$, :'run_id'), '42809',
  'step "a" of flow "ss_bad" is a single step, not a signal step', 'a step that is not a signal step');
select is(pg_temp.hint_of(format($$ select pgflow.send_signal(%L, 'a', '{}') $$, :'run_id')),
  'Only a step added with step_type => ''signal'' takes signals; workers complete the others.', 'with a hint');
-- gate's condition is unmet: it was skipped
select throws_ok(format($$ select pgflow.send_signal(%L, 'gate', '{}') $$, :'run_id'), '55000',
  format('step "gate" of run "%s" is skipped and takes no signal', :'run_id'), 'a skipped step');
select pgflow.cancel_run(:'run_id');
select throws_ok(format($$ select pgflow.send_signal(%L, 'approve', '{}') $$, :'run_id'), '55000',
  format('run "%s" is cancelled and takes no signal', :'run_id'), 'a finished run');
select is(pg_temp.hint_of(format($$ select pgflow.send_signal(%L, 'approve', '{}') $$, :'run_id')),
  'Signals go to started or paused runs.', 'with a hint');
select is_empty($$ select from pgflow.signals where flow_slug = 'ss_bad' $$, 'no signal stored');
select is_empty($$ select * from pgflow_tests.invariants(current_setting('t.run')::uuid) $$, 'invariants hold');

select * from finish();
rollback;
