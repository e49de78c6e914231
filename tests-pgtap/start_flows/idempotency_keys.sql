begin;
select plan(11);

-- start_flows takes one idempotency key per input: a key that a run of the
-- flow holds, or that an earlier input of the call has, starts nothing and
-- returns that run in the input's place.
select pgflow.create_flow('sfs_idem');
select pgflow.add_step('sfs_idem', 'a');

select run_id as old_run from pgflow.start_flow('sfs_idem', '{"n": 0}', idempotency_key => 'k0') \gset
create temp table got as
select row_number() over () as n, r.* from pgflow.start_flows('sfs_idem', '[1, 2, 3, 4, 5]',
                                                              array['k1', null, 'k0', 'k1', null]) as r;
select is((select count(*)::integer from got), 5, 'one row per input');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sfs_idem'), 4, 'three new runs');
select results_eq($$ select input, idempotency_key from got order by n $$,
  $$ values ('1'::jsonb, 'k1'::text), ('2', null), ('{"n": 0}', 'k0'), ('1', 'k1'), ('5', null) $$,
  'in the order of the inputs: a known key returns its run, a repeated one the run of its first input');
select is((select run_id from got where n = 3), :'old_run'::uuid, 'the old run, unchanged');
select is((select count(distinct run_id)::integer from got where idempotency_key = 'k1'), 1, 'k1 once');
select is((select count(*)::integer from pgflow.step_states as ss join pgflow.runs as r using (run_id)
            where r.flow_slug = 'sfs_idem'), 4, 'one step state per run');
select results_eq($$ select count(*)::integer from pgflow.start_flows('sfs_idem', '[7, 8]', array['k1', 'k0']) $$,
  $$ values (2) $$, 'keys that all exist return their runs');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sfs_idem'), 4, 'and start none');

select throws_ok($$ select pgflow.start_flows('sfs_idem', '[1, 2]', array['x']) $$,
  '22023', 'flow "sfs_idem" got 2 inputs but 1 idempotency keys', 'one key per input');
select throws_ok($$ select pgflow.start_flows('sfs_idem', '[1, 2]', array['x', '']) $$,
  '22023', 'idempotency key 2 of a run of flow "sfs_idem" must not be empty', 'an empty key is an error');
select is_empty($$ select r.run_id, i.broken from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i(broken)
                    where r.flow_slug = 'sfs_idem' $$, 'invariants hold');

select * from finish();
rollback;
