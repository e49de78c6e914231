begin;
select plan(2);

select pgflow.create_flow('as_delay');
select is((pgflow.add_step('as_delay', 'a', start_delay => 30)).opt_start_delay, 30, 'start_delay by name is stored');
select is((pgflow.add_step('as_delay', 'b', array['a'], start_delay => 5)).opt_start_delay, 5,
  'start_delay with dependencies is stored');

select * from finish();
rollback;
