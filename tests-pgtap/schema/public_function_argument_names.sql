begin;
select plan(4);

-- Named notation as the contract writes it works against the installed functions.
select is((pgflow.create_flow(flow_slug => 'sch_named', max_attempts => 2, base_delay => 3, timeout => 4)).opt_timeout, 4,
  'create_flow takes flow_slug, max_attempts, base_delay, timeout by name');
select is((pgflow.add_step(flow_slug => 'sch_named', step_slug => 'a', max_attempts => 5, base_delay => 1,
                           timeout => 9, start_delay => 0, step_type => 'single')).opt_timeout, 9,
  'add_step without dependencies takes its arguments by name');
select is((pgflow.add_step(flow_slug => 'sch_named', step_slug => 'b', deps_slugs => array['a'])).deps_count, 1,
  'add_step with dependencies takes deps_slugs by name');
select is((select proargnames::text[] from pg_proc where oid = 'pgflow.is_valid_slug(text)'::regprocedure),
  array['slug'], 'is_valid_slug names its argument slug');

select * from finish();
rollback;
