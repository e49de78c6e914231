-- A text snapshot of every member of the pgflow extension: definitions,
-- columns in order, constraints, indexes, grants, comments, row security and
-- its policies, and dump config.
-- Upgraded and fresh installs must print the same lines. (pg_dump prints an
-- extension as one CREATE EXTENSION, so it cannot serve.)
with ext as (
  select oid, extconfig from pg_catalog.pg_extension where extname = 'pgflow'
), members as (
  select d.classid, d.objid
    from pg_catalog.pg_depend as d, ext
   where d.refclassid = 'pg_catalog.pg_extension'::regclass and d.refobjid = ext.oid and d.deptype = 'e'
), lines as (
  -- functions: full definition, owner-independent grants, comment
  select 'function ' || p.oid::regprocedure::text || E'\n' || pg_catalog.pg_get_functiondef(p.oid)
         || E'\nacl ' || coalesce(p.proacl::text, 'default')
         || E'\ncomment ' || coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') as line
    from members as m join pg_catalog.pg_proc as p on m.classid = 'pg_catalog.pg_proc'::regclass and p.oid = m.objid
  union all
  -- relations: kind, acl, comment
  select format('relation %s kind %s acl %s comment %s', c.oid::regclass, c.relkind,
                coalesce(c.relacl::text, 'default'), coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), ''))
    from members as m join pg_catalog.pg_class as c on m.classid = 'pg_catalog.pg_class'::regclass and c.oid = m.objid
  union all
  -- columns, in order
  select format('column %s %s %s %s %s default %s comment %s', c.oid::regclass, lpad(a.attnum::text, 3, '0'), a.attname,
                pg_catalog.format_type(a.atttypid, a.atttypmod), case when a.attnotnull then 'not null' else 'null' end,
                coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), 'none'),
                coalesce(pg_catalog.col_description(c.oid, a.attnum), ''))
    from members as m
    join pg_catalog.pg_class as c on m.classid = 'pg_catalog.pg_class'::regclass and c.oid = m.objid
    join pg_catalog.pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_catalog.pg_attrdef as ad on ad.adrelid = c.oid and ad.adnum = a.attnum
  union all
  -- constraints of member tables
  select format('constraint %s %s %s', co.conrelid::regclass, co.conname, pg_catalog.pg_get_constraintdef(co.oid))
    from members as m
    join pg_catalog.pg_constraint as co on m.classid = 'pg_catalog.pg_class'::regclass and co.conrelid = m.objid
  union all
  -- indexes of member tables
  select format('index %s', pg_catalog.pg_get_indexdef(i.indexrelid))
    from members as m
    join pg_catalog.pg_index as i on m.classid = 'pg_catalog.pg_class'::regclass and i.indrelid = m.objid
  union all
  -- composite types: attributes in order
  select format('type %s attribute %s %s %s', t.oid::regtype, lpad(a.attnum::text, 3, '0'), a.attname,
                pg_catalog.format_type(a.atttypid, a.atttypmod))
    from members as m
    join pg_catalog.pg_type as t on m.classid = 'pg_catalog.pg_type'::regclass and t.oid = m.objid
    join pg_catalog.pg_attribute as a on a.attrelid = t.typrelid and a.attnum > 0
  union all
  select format('type %s kind %s', t.oid::regtype, t.typtype)
    from members as m join pg_catalog.pg_type as t on m.classid = 'pg_catalog.pg_type'::regclass and t.oid = m.objid
  union all
  -- schemas and anything else that is a member
  select format('schema %s acl %s', n.nspname, coalesce(n.nspacl::text, 'default'))
    from members as m join pg_catalog.pg_namespace as n on m.classid = 'pg_catalog.pg_namespace'::regclass and n.oid = m.objid
  union all
  select format('member of class %s: %s', m.classid::regclass, pg_catalog.pg_describe_object(m.classid, m.objid, 0))
    from members as m
   where m.classid not in ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_class'::regclass,
                           'pg_catalog.pg_type'::regclass, 'pg_catalog.pg_namespace'::regclass)
  union all
  -- row-level security of member tables, and their policies
  select format('row security %s enabled %s forced %s', c.oid::regclass, c.relrowsecurity, c.relforcerowsecurity)
    from members as m join pg_catalog.pg_class as c on m.classid = 'pg_catalog.pg_class'::regclass and c.oid = m.objid
   where c.relkind in ('r', 'p')
  union all
  select format('policy %s on %s for %s to %s using %s check %s', po.polname, po.polrelid::regclass, po.polcmd,
                po.polroles::regrole[]::text, coalesce(pg_catalog.pg_get_expr(po.polqual, po.polrelid), 'none'),
                coalesce(pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid), 'none'))
    from members as m join pg_catalog.pg_policy as po on m.classid = 'pg_catalog.pg_class'::regclass and po.polrelid = m.objid
  union all
  -- tables whose data pg_dump keeps
  select format('config table %s', cfg::regclass) from ext, unnest(ext.extconfig) as cfg
  union all
  select format('extension pgflow schema %s relocatable %s requires %s', n.nspname, e.extrelocatable,
                (select string_agg(r.extname, ',' order by r.extname) from pg_catalog.pg_extension as r
                  where r.oid in (select d.refobjid from pg_catalog.pg_depend as d
                                   where d.objid = e.oid and d.classid = 'pg_catalog.pg_extension'::regclass
                                     and d.refclassid = 'pg_catalog.pg_extension'::regclass)))
    from pg_catalog.pg_extension as e join pg_catalog.pg_namespace as n on n.oid = e.extnamespace
   where e.extname = 'pgflow'
)
select line from lines order by line;
