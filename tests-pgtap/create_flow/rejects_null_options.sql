begin;
select plan(5);

-- A null option is not "the default": it is refused.
select throws_ok($$ select pgflow.create_flow('cf_nullopt', null) $$,
  '22004', 'options of flow "cf_nullopt" must not be null', 'null max_attempts');
select throws_ok($$ select pgflow.create_flow('cf_nullopt', 3, null) $$,
  '22004', 'options of flow "cf_nullopt" must not be null', 'null base_delay');
select throws_ok($$ select pgflow.create_flow('cf_nullopt', timeout => null) $$,
  '22004', 'options of flow "cf_nullopt" must not be null', 'null timeout');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'cf_nullopt' $$, 'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'cf_nullopt' $$, 'no queue was created');

select * from finish();
rollback;
