-- One complete_tasks call over tasks of two flows and many runs: each flow's
-- next steps are queued in its own queue (one send per flow), each run moves
-- on by itself, runs whose last step completed complete, and invariants hold.
begin;
select plan(8);

select pgflow.create_flow('ctb_lin');
select pgflow.add_step('ctb_lin', 'a');
select pgflow.add_step('ctb_lin', 'b', array['a']);
select pgflow.create_flow('ctb_one');
select pgflow.add_step('ctb_one', 'only');
select count(*) from pgflow.start_flows('ctb_lin', '[{"n": 1}, {"n": 2}, {"n": 3}]');
select count(*) from pgflow.start_flows('ctb_one', '[{"n": 4}, {"n": 5}]');

create temp table started as
select * from pgflow_tests.read_and_start('ctb_lin') union all select * from pgflow_tests.read_and_start('ctb_one');
select is((select count(*)::integer from started), 5, 'five root tasks of five runs of two flows started');

select is((select count(*)::integer from pgflow.complete_tasks(
            (select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug, 'output', jsonb_build_object('from', step_slug))
                              order by run_id)
               from started))), 5,
  'one call completes all five');
select is((select count(*)::integer from pgflow.step_tasks where flow_slug = 'ctb_lin' and step_slug = 'b' and status = 'queued'), 3,
  'each run of ctb_lin has its step b queued');
select is(cardinality(pgflow_tests.queue_message_ids('ctb_lin')), 3,
  'with its message in ctb_lin''s queue');
select is(cardinality(pgflow_tests.queue_message_ids('ctb_one')), 0,
  'and nothing left in ctb_one''s queue');
select is((select array_agg(status order by status) from pgflow.runs where flow_slug = 'ctb_one'),
  array['completed', 'completed'], 'both runs of ctb_one completed');
select is((select array_agg(distinct output::text) from pgflow.runs where flow_slug = 'ctb_one'),
  array['{"only": {"from": "only"}}'], 'each with its own leaf output');
select is_empty($$ select i.* from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i
                    where r.flow_slug in ('ctb_lin', 'ctb_one') $$,
  'invariants hold for every run');

select * from finish();
rollback;
