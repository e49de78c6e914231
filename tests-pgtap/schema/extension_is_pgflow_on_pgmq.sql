begin;
select plan(8);

-- The extension: named pgflow, in schema pgflow, needs pgmq, not relocatable.
select has_extension('pgflow', 'extension pgflow is installed');
select has_extension('pgmq', 'extension pgmq is installed');
select has_schema('pgflow', 'schema pgflow exists');
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'pgflow'), 'pgflow',
  'pgflow lives in schema pgflow');
select is((select extrelocatable from pg_extension where extname = 'pgflow'), false, 'pgflow is not relocatable');
select ok(exists (select from pg_depend as d
                   where d.classid = 'pg_extension'::regclass
                     and d.objid = (select oid from pg_extension where extname = 'pgflow')
                     and d.refclassid = 'pg_extension'::regclass
                     and d.refobjid = (select oid from pg_extension where extname = 'pgmq')
                     and d.deptype = 'n'),
  'pgflow depends on pgmq');
-- Installed from files, pg_available_extension_versions lists it; registered through pg_tle
-- (make pgtle), pgtle.available_extension_versions() does, and pg_tle adds itself to requires.
select results_eq(
  case when exists (select from pg_available_extension_versions where name = 'pgflow')
    then $$ select requires from pg_available_extension_versions
             where name = 'pgflow' and version = (select extversion from pg_extension where extname = 'pgflow') $$
    else $$ select array_remove(requires, 'pg_tle') from pgtle.available_extension_versions()
             where name = 'pgflow' and version = (select extversion from pg_extension where extname = 'pgflow') $$
  end,
  $$ values (array['pgmq']::name[]) $$,
  'its control file requires pgmq only (and pg_tle where registered through it)');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace
                      and not exists (select from pg_depend as d
                                       where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
                                         and d.refobjid = (select oid from pg_extension where extname = 'pgflow')) $$,
  'every function in schema pgflow belongs to the extension');

select * from finish();
rollback;
