
-- _dblink_function()
-- dblink(text, text) of the dblink extension installed in this database,
-- when that extension belongs to a trusted role (a superuser or pgflow's
-- owner: _is_trusted_role) and the function is one of its members; null
-- otherwise. pgflow's scheduling functions reach pg_cron's database through
-- it when pg_cron runs in another database of the cluster. A function that
-- is merely called dblink is never used: pgflow's definer functions would
-- run it as pgflow's owner, with the connection string they build.
create function pgflow._dblink_function()
returns regprocedure
language sql
stable
set search_path = ''
as $$
  select p.oid::pg_catalog.regprocedure
    from pg_catalog.pg_extension as e
    join pg_catalog.pg_depend as d
      on d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass and d.refobjid = e.oid
     and d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.deptype = 'e'
    join pg_catalog.pg_proc as p on p.oid = d.objid
   where e.extname = 'dblink'
     and pgflow._is_trusted_role(e.extowner)
     and p.pronamespace = e.extnamespace
     and p.proname = 'dblink'
     and p.proargtypes = '25 25'::pg_catalog.oidvector   -- dblink(text, text)
   limit 1;
$$;
