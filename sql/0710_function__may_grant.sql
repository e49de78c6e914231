
-- _may_grant( role )
-- Whether role may pass pgflow's privileges on: the owner of the extension,
-- a superuser, or a role holding them with grant option. Asked of pgflow's
-- start_tasks(), which every install has and no grant helper hands out with
-- grant option. The one place this is written: the grant helpers
-- (_assert_may_grant), uninstall, and the client checks (_authorize_client,
-- subscribe), which let such a role use every flow. role is the caller the
-- check is about (pgflow._caller() in a definer function, current_user in an
-- invoker one).
create function pgflow._may_grant(role text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select pg_catalog.has_function_privilege(_may_grant.role, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION');
$$;

revoke all on function pgflow._may_grant(text) from public;
