begin;
select plan(6);

-- pgmq lower-cases queue table names: "MyFlow" and "myflow" would share one.
select pgflow.create_flow('cf_myflow');
select throws_ok($$ select pgflow.create_flow('CF_MyFlow') $$,
  '42710', 'flow slug "CF_MyFlow" collides with existing flow "cf_myflow"', 'a slug differing only in case is refused');
select throws_ok($$ select pgflow.create_flow('CF_MYFLOW', 3, 1, 60) $$,
  '42710', 'flow slug "CF_MYFLOW" collides with existing flow "cf_myflow"', 'whatever the options');
select is((select count(*)::integer from pgflow.flows where lower(flow_slug) = 'cf_myflow'), 1, 'still one flow row');
select is((select count(*)::integer from pgmq.meta where lower(queue_name) = 'cf_myflow'), 1, 'still one queue');

select pgflow.create_flow('CF_Upper');
select throws_ok($$ select pgflow.create_flow('cf_upper') $$,
  '42710', 'flow slug "cf_upper" collides with existing flow "CF_Upper"', 'the other way round too');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'cf_upper' $$, 'no lower-case twin was created');

select * from finish();
rollback;
