begin;
select plan(7);

-- grant_client(role) with flow_slugs null is every flow, flows created later
-- included (as grant_client did before it took flows); grant_admin reads every
-- flow too. A role's grants reach its members (a login role in a client
-- group role). Grants add up: a second grant_client adds flows.
select pgflow_tests.new_role('client_all') as call \gset
select pgflow_tests.new_role('admin') as adm \gset
select pgflow_tests.new_role('group') as grp \gset
select pgflow_tests.new_role('member') as mem \gset
select format('grant %I to %I', :'grp', :'mem') \gexec
select pgflow.grant_client(:'call');
select pgflow.grant_admin(:'adm');
select pgflow.create_flow('pv_later_a');
select pgflow.add_step('pv_later_a', 'a');
select pgflow.create_flow('pv_later_b');
select pgflow.add_step('pv_later_b', 'b');
select pgflow.grant_client(:'grp', array['pv_later_a']);

select is(pgflow_tests.as_role(:'call', $$ select status from pgflow.start_flow('pv_later_a', '{}') $$), 'started',
  'a client of every flow starts a run of a flow created after its grant');
select run_id as run_b from pgflow.start_flow('pv_later_b', '{}') \gset
select is(pgflow_tests.as_role(:'call', $$ select count(*)::text from pgflow.runs as r join pgflow.steps as s using (flow_slug)
                                            where r.flow_slug in ('pv_later_a', 'pv_later_b') $$), '2',
  'and reads every flow''s runs and steps');
select is(pgflow_tests.as_role(:'adm', $$ select count(*)::text from pgflow.runs as r join pgflow.step_tasks as t using (run_id)
                                           where r.flow_slug in ('pv_later_a', 'pv_later_b') $$), '2',
  'an admin reads every flow''s runs and tasks');
select is(pgflow_tests.as_role(:'mem', $$ select string_agg(distinct flow_slug, ',') from pgflow.runs
                                           where flow_slug in ('pv_later_a', 'pv_later_b') $$), 'pv_later_a',
  'a member of a client role reads the role''s flows');
select is(pgflow_tests.as_role(:'mem', $$ select status from pgflow.start_flow('pv_later_a', '{}') $$), 'started',
  'and starts their runs');
select is(pgflow_tests.as_role(:'mem', $$ select status from pgflow.start_flow('pv_later_b', '{}') $$),
  format('ERROR 42501: role "%s" may not use flow "pv_later_b"', :'mem'), 'not those of other flows');
select pgflow.grant_client(:'grp', array['pv_later_b']);
select is(pgflow_tests.as_role(:'mem', $$ select string_agg(distinct flow_slug, ',' order by flow_slug) from pgflow.runs
                                           where flow_slug in ('pv_later_a', 'pv_later_b') $$), 'pv_later_a,pv_later_b',
  'a second grant_client adds a flow');

select * from finish();
rollback;
