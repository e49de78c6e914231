begin;
select plan(5);

select pgflow.create_flow('sf_given_id');
select pgflow.add_step('sf_given_id', 'a');
select gen_random_uuid() as given \gset

select is((select run_id from pgflow.start_flow('sf_given_id', '{}', :'given')), :'given'::uuid,
  'the returned run has the given run_id');
select is((select count(*)::integer from pgflow.runs where run_id = :'given'), 1, 'the run row has it');
select is((select count(*)::integer from pgflow.step_states where run_id = :'given'), 1, 'so does its step_state');
select is((select message ->> 'run_id' from pgmq.q_sf_given_id as q
             join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'given'), :'given',
  'and its message');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'given'), 'invariants hold after start_flow');

select * from finish();
rollback;
