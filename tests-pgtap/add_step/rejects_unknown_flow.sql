begin;
select plan(4);

select throws_ok($$ select pgflow.add_step('as_no_such_flow', 'a') $$,
  '42704', 'flow "as_no_such_flow" does not exist', 'no-deps overload: unknown flow');
select throws_ok($$ select pgflow.add_step('as_no_such_flow', 'b', array['a']) $$,
  '42704', 'flow "as_no_such_flow" does not exist', 'deps overload: unknown flow');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'as_no_such_flow' $$, 'no step was added');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'as_no_such_flow' $$, 'no flow was created on the way');

select * from finish();
rollback;
