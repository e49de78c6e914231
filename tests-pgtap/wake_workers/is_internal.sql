-- pgflow._wake_workers(flow_slug) is an internal helper: exactly this
-- signature, volatile, search_path pinned, not SECURITY DEFINER, and nobody
-- but its owner may execute it (a client could otherwise wake every worker
-- at will).
begin;
select plan(5);

select has_function('pgflow', '_wake_workers', array['text'], 'pgflow._wake_workers(text) exists');
select function_returns('pgflow', '_wake_workers', array['text'], 'void', 'it returns void');
select results_eq(
  $$ select p.provolatile = 'v', p.prosecdef, p.proconfig = array['search_path=""']
       from pg_proc as p where p.oid = 'pgflow._wake_workers(text)'::regprocedure $$,
  $$ values (true, false, true) $$,
  'volatile, invoker, search_path pinned');
select is_empty(
  $$ select a.grantee::regrole::text
       from pg_proc as p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) as a
      where p.oid = 'pgflow._wake_workers(text)'::regprocedure and a.grantee <> p.proowner $$,
  'executable by its owner alone');
select ok(not has_function_privilege('public', 'pgflow._wake_workers(text)', 'execute'), 'not by PUBLIC');

select * from finish();
rollback;
