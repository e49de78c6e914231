begin;
select plan(16);

-- The grant helpers: owner only, clear errors, nothing granted on a bad call;
-- grant_worker(role) covers every flow that exists; revoke_all takes back all.
select pgflow_tests.new_role('gw') as gw \gset
select pgflow_tests.new_role('nobody') as nobody \gset
select pgflow.create_flow('pv_grant_1');
select pgflow.create_flow('pv_grant_2');

select throws_ok(format($$ select pgflow.grant_worker(%L, array['pv_grant_1', 'pv_grant_nope']) $$, :'gw'),
  '42704', 'flow "pv_grant_nope" does not exist', 'an unknown flow is refused');
select ok(not has_table_privilege(:'gw', 'pgmq.q_pv_grant_1', 'update')
          and not has_function_privilege(:'gw', 'pgflow.start_tasks(text,bigint[],uuid)', 'execute'),
  'and nothing was granted');
select throws_ok($$ select pgflow.grant_worker(null) $$, '22004', 'role must not be null', 'a null role is refused');
select throws_ok($$ select pgflow.grant_client(null) $$, '22004', 'role must not be null', 'grant_client too');
select throws_ok($$ select pgflow.grant_admin(null) $$, '22004', 'role must not be null', 'grant_admin too');
select throws_ok($$ select pgflow.revoke_all(null) $$, '22004', 'role must not be null', 'revoke_all too');
select throws_ok(format($$ select pgflow.grant_worker(%L, array[null]) $$, :'gw'),
  '22004', 'flow_slugs must not contain null', 'a null flow slug is refused');
select throws_ok($$ select pgflow.grant_client('pv_no_such_role_anywhere') $$,
  '42704', null, 'an unknown role is refused');
select is(pgflow_tests.as_role(:'nobody', format($$ select pgflow.grant_worker(%L) $$, :'gw')),
  'ERROR 42501: permission denied for schema pgflow', 'a role without grants cannot call a helper');
grant usage on schema pgflow to :"nobody";
grant execute on function pgflow.grant_worker(regrole, text[]) to :"nobody";
-- (refused by _assert_may_grant, which such a role may not even execute)
select matches(pgflow_tests.as_role(:'nobody', format($$ select pgflow.grant_worker(%L) $$, :'gw')),
  '^ERROR 42501: ',
  'nor can a role that may execute it but cannot pass pgflow''s privileges on');

select pgflow.grant_worker(:'gw');
select ok(has_table_privilege(:'gw', 'pgmq.q_pv_grant_1', 'update') and has_table_privilege(:'gw', 'pgmq.q_pv_grant_2', 'update'),
  'grant_worker(role) grants every existing flow''s queue');
select ok(not has_table_privilege(:'gw', 'pgflow.runs', 'select'), 'and no pgflow table');
select pgflow.grant_client(:'gw');
select pgflow.grant_admin(:'gw');
select ok(has_function_privilege(:'gw', 'pgflow.create_flow(text,integer,integer,integer)', 'execute')
          and has_function_privilege(:'gw', 'pgflow.start_flow(text,jsonb,uuid,text)', 'execute'),
  'roles can be combined');

select pgflow.revoke_all(:'gw');
select is_empty(format($$ select p.oid::regprocedure from pg_proc as p
                          where p.pronamespace = 'pgflow'::regnamespace
                            and has_function_privilege(%L, p.oid, 'execute')
                            and p.proname not in ('is_valid_slug', 'calculate_retry_delay') $$, :'gw'),
  'revoke_all takes back every function');
select ok(not has_table_privilege(:'gw', 'pgmq.q_pv_grant_1', 'update') and not has_table_privilege(:'gw', 'pgflow.runs', 'select')
          and not has_schema_privilege(:'gw', 'pgflow', 'usage') and not has_schema_privilege(:'gw', 'pgmq', 'usage'),
  'and every table and schema');
select is(pgflow_tests.as_role(:'gw', $$ select 1 from pgflow.create_flow('pv_grant_3') $$),
  'ERROR 42501: permission denied for schema pgflow', 'the role can do nothing any more');

select * from finish();
rollback;
