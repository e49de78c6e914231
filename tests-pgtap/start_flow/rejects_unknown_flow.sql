begin;
select plan(3);

select throws_ok($$ select pgflow.start_flow('sf_no_such_flow', '{}') $$,
  '42704', 'flow "sf_no_such_flow" does not exist', 'an unknown flow is refused');
select throws_ok($$ select pgflow.start_flow('sf_no_such_flow', '{}', '00000000-0000-4000-8000-00000000d001') $$,
  '42704', 'flow "sf_no_such_flow" does not exist', 'also with a run id');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sf_no_such_flow'
                    or run_id = '00000000-0000-4000-8000-00000000d001' $$, 'no run was created');

select * from finish();
rollback;
