begin;
select plan(7);

-- Options changed while a run is in flight count for what happens next.
select pgflow.create_flow('so_live', max_attempts => 1, base_delay => 0, timeout => 60);
select pgflow.add_step('so_live', 'a');
select pgflow.add_step('so_live', 'b', array['a']);
select run_id as rid from pgflow.start_flow('so_live', '{}') \gset
select pgflow_tests.read_and_start('so_live');

-- max_attempts 1 would fail the run at the first failure; raised to 2 now,
-- the failure is retried.
select pgflow.set_step_options('so_live', 'a', max_attempts => 2);
select pgflow.fail_task(:'rid', 'a', 0, 'flaky');
select is((select status from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a'), 'queued',
  'a raised max_attempts turns the next failure into a retry');

-- A new flow timeout is the lease of the next start.
select pgflow.set_flow_options('so_live', timeout => 600);
select is((select timeout from pgflow_tests.read_and_start('so_live')), 600, 'a new timeout is the next start''s lease');
select ok((select q.vt > clock_timestamp() + interval '500 seconds' from pgmq.q_so_live as q
             join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'a'),
  'and the message stays invisible that long');

-- A start_delay set now delays b when it is queued.
select pgflow.set_step_options('so_live', 'b', start_delay => 300);
select pgflow.complete_task(:'rid', 'a', 0, '{}');
select ok((select q.vt > clock_timestamp() + interval '200 seconds' from pgmq.q_so_live as q
             join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and t.step_slug = 'b'),
  'a new start_delay delays the step''s task queued afterwards');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

-- Back to inheriting: b's own timeout goes, the flow's counts.
select pgflow.set_step_options('so_live', 'b', timeout => 7);
select pgflow.set_step_options('so_live', 'b', inherit => array['timeout', 'start_delay']);
select pgflow_tests.make_visible('so_live');
select is((select timeout from pgflow_tests.read_and_start('so_live')), 600, 'an inherited timeout is the flow''s again');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants still hold');

select * from finish();
rollback;
