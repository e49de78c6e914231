begin;
select plan(4);

-- distribute() and its helper are the owner's: no grant helper hands them out.
select pgflow_tests.new_role('dist_worker') as w \gset
select pgflow_tests.new_role('dist_admin') as a \gset
select pgflow.create_flow('dist_owner');
select pgflow.grant_worker(:'w', array['dist_owner']);
select pgflow.grant_admin(:'a');

select is(has_function_privilege('public', 'pgflow.distribute()', 'execute'), false, 'PUBLIC may not distribute');
select is(has_function_privilege(:'w', 'pgflow.distribute()', 'execute'), false, 'a worker may not');
select is(has_function_privilege(:'a', 'pgflow.distribute()', 'execute'), false, 'an admin may not');
set local role :a;
select throws_ok($$ select * from pgflow.distribute() $$, '42501', null, 'an admin''s call is refused');
reset role;

select * from finish();
rollback;
