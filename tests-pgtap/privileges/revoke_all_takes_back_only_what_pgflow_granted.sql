begin;
select plan(8);

-- revoke_all takes back what the helpers gave, and only that outside
-- pgflow's own objects: a usage on schema pgmq that the database's
-- administrator granted before grant_worker stays; the one grant_worker gave
-- goes. It forgets the role's rows in pgflow.grants, and those of a role
-- dropped meanwhile (after DROP OWNED BY).
select pgflow_tests.new_role('dba_w') as dw \gset
select pgflow_tests.new_role('pgflow_w') as pw \gset
select pgflow_tests.new_role('c') as c \gset
select pgflow.create_flow('pv_rev_1');
select format('grant usage on schema pgmq to %I', :'dw') \gexec

select pgflow.grant_worker(:'dw', array['pv_rev_1']);
select pgflow.grant_worker(:'pw', array['pv_rev_1']);
select pgflow.grant_client(:'c', array['pv_rev_1']);
select ok(has_schema_privilege(:'dw', 'pgmq', 'usage') and has_schema_privilege(:'pw', 'pgmq', 'usage')
          and has_table_privilege(:'dw', 'pgmq.q_pv_rev_1', 'update') and has_table_privilege(:'pw', 'pgmq.q_pv_rev_1', 'update'),
  'both workers use pgmq and their flow''s queue');

select pgflow.revoke_all(:'dw');
select pgflow.revoke_all(:'pw');
select ok(has_schema_privilege(:'dw', 'pgmq', 'usage'), 'the usage on pgmq the administrator granted stays');
select ok(not has_schema_privilege(:'pw', 'pgmq', 'usage'), 'the one grant_worker granted goes');
select ok(not has_table_privilege(:'dw', 'pgmq.q_pv_rev_1', 'select') and not has_table_privilege(:'dw', 'pgmq.q_pv_rev_1', 'update')
          and not has_table_privilege(:'pw', 'pgmq.q_pv_rev_1', 'select') and not has_table_privilege(:'pw', 'pgmq.q_pv_rev_1', 'update')
          and not has_schema_privilege(:'dw', 'pgflow', 'usage'),
  'the queue and pgflow go from both');
select is_empty(format($$ select * from pgflow.grants where role in (%L::regrole, %L::regrole) $$, :'dw', :'pw'),
  'their rows are gone');
select isnt_empty(format($$ select * from pgflow.grants where role = %L::regrole $$, :'c'), 'another role''s stay');

select :'c'::regrole::oid as c_oid \gset
select format('drop owned by %I', :'c') \gexec
select format('drop role %I', :'c') \gexec
select lives_ok(format($$ select pgflow.revoke_all(%s::oid::regrole) $$, :c_oid), 'revoke_all of a dropped role');
select is_empty(format($$ select * from pgflow.grants where role = %s::oid $$, :c_oid), 'forgets its rows');

select * from finish();
rollback;
