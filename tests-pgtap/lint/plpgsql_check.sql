begin;
select plan(2);

-- plpgsql_check's mass check: every PL/pgSQL function of the extension.
select is_empty($$
  select p.oid::regprocedure::text, r.lineno, r.message
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
   cross join lateral plpgsql_check_function_tb(p.oid, all_warnings => true) as r
   where n.nspname = 'pgflow'
     and p.prolang = (select oid from pg_catalog.pg_language where lanname = 'plpgsql')
$$, 'plpgsql_check reports nothing on any pgflow function');

select cmp_ok(
  (select count(*)::integer
     from pg_catalog.pg_proc as p
     join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    where n.nspname = 'pgflow'
      and p.prolang = (select oid from pg_catalog.pg_language where lanname = 'plpgsql')),
  '>=', 20, 'the check saw the engine''s PL/pgSQL functions');

select * from finish();
rollback;
