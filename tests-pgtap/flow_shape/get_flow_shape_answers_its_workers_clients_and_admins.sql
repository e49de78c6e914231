begin;
select plan(10);

-- get_flow_shape answers a role with a job on the flow, though none of them
-- may read pgflow's tables (a worker role may read none): the worker checks
-- its flows' shapes with it before serving them. Any other role is refused
-- alike whether the flow exists or not: it learns nothing of other flows.
select pgflow.create_flow('shp_auth');
select pgflow.add_step('shp_auth', 'a');
select pgflow.add_step('shp_auth', 'b', array['a']);
select pgflow.create_flow('shp_auth_other');
select pgflow.add_step('shp_auth_other', 'x');

select pgflow_tests.new_role('shpw') as w \gset
select pgflow_tests.new_role('shpc') as c \gset
select pgflow_tests.new_role('shpa') as a \gset
select pgflow_tests.new_role('shpn') as n \gset
select pgflow.grant_worker(:'w', array['shp_auth']);
select pgflow.grant_client(:'c', array['shp_auth']);
select pgflow.grant_admin(:'a');
select format('grant usage on schema pgflow to %I; grant execute on function pgflow.get_flow_shape(text) to %I', :'n', :'n') \gexec
create temp table expected as select pgflow.get_flow_shape('shp_auth') as shape;
grant select on expected to public;

set local role :w;
select is(pgflow.get_flow_shape('shp_auth'), (select shape from expected), 'a worker of the flow reads its shape');
select throws_ok($$ select 1 from pgflow.steps $$, '42501', null, 'though it may not read the tables');
select throws_ok($$ select pgflow.get_flow_shape('shp_auth_other') $$, '42501',
  format('role "%s" may not read flow "shp_auth_other"', current_user), 'nor the shape of a flow it does not work');
select throws_ok($$ select pgflow.get_flow_shape('shp_auth_nope') $$, '42501',
  format('role "%s" may not read flow "shp_auth_nope"', current_user), 'a flow that does not exist: the same refusal');
reset role;

set local role :c;
select is(pgflow.get_flow_shape('shp_auth'), (select shape from expected), 'a client of the flow reads its shape');
select throws_ok($$ select pgflow.get_flow_shape('shp_auth_other') $$, '42501', null, 'not another flow''s');
reset role;

set local role :a;
select is(pgflow.get_flow_shape('shp_auth_other') -> 'steps' -> 0 ->> 'slug', 'x', 'an admin reads every flow''s shape');
select throws_ok($$ select pgflow.get_flow_shape('shp_auth_nope') $$, '42704', 'flow "shp_auth_nope" does not exist',
  'and learns that a flow does not exist');
reset role;

-- execute alone is not enough: a role with no job on the flow is refused, and learns nothing
create function pg_temp.hint_of(sql text) returns text language plpgsql as $f$
declare
  v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end;
$f$;
set local role :n;
select throws_ok($$ select pgflow.get_flow_shape('shp_auth') $$, '42501',
  format('role "%s" may not read flow "shp_auth"', current_user), 'a role with no job on the flow is refused');
select is(pg_temp.hint_of($$ select pgflow.get_flow_shape('shp_auth') $$),
  format('The owner of pgflow grants it with select pgflow.grant_worker(%L, array[''shp_auth'']); (or grant_client, grant_admin).',
         current_user),
  'and told who grants it');
reset role;

select * from finish();
rollback;
