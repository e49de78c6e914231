
-- _is_trusted_role( role )
-- Whether code or a schema owned by role may run as pgflow's owner: role is
-- a superuser or owns the pgflow extension. SECURITY DEFINER code calls
-- nothing found by name unless its owner (and its schema's owner) pass this:
-- any role with CREATE on the database can create a schema and functions of
-- any name, and the next definer call would run them with pgflow's rights.
create function pgflow._is_trusted_role(role oid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (select from pg_catalog.pg_roles as r where r.oid = _is_trusted_role.role and r.rolsuper)
      or exists (select from pg_catalog.pg_extension as e
                  where e.extname = 'pgflow' and e.extowner = _is_trusted_role.role);
$$;
