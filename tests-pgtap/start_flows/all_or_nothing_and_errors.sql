-- start_flows errors: a bad inputs argument names what it got; one bad input
-- fails the call and no run of it stays.
begin;
select plan(8);

select pgflow.create_flow('sfs_bad');
select pgflow.add_step('sfs_bad', 'm', step_type => 'map');

select throws_ok($$ select pgflow.start_flows('sfs_bad', null) $$, '22004',
  'inputs of runs of flow "sfs_bad" must not be null', 'null inputs');
select throws_ok($$ select pgflow.start_flows('sfs_bad', '{"a": 1}') $$, '22023',
  'inputs of runs of flow "sfs_bad" must be a JSON array, got object', 'an object instead of an array');
select throws_ok($$ select pgflow.start_flows('sfs_bad', '[[1, 2], {"x": 1}]') $$, 'P0001',
  'Flow sfs_bad has root map steps but input is not an array (got object)', 'a bad second input is start_flow''s error');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sfs_bad'), 0, 'and the first run did not stay');
select throws_ok($$ select pgflow.start_flows('no_such_flow', '[{}]') $$, '42704', 'flow "no_such_flow" does not exist',
  'an unknown flow');
select throws_ok($$ select pgflow.start_flows(null, '[{}]') $$, '22004', 'flow slug must not be null', 'a null flow slug');
select throws_ok($$ select pgflow.start_flows('no_such_flow', '[]') $$, '42704', 'flow "no_such_flow" does not exist',
  'an unknown flow is an error even with no input');
select is((select count(*)::integer from pgflow.start_flows('sfs_bad', '[]')), 0, 'no input starts no run');

select * from finish();
rollback;
