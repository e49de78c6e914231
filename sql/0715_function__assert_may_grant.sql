
-- _assert_may_grant( helper, role, example )
-- The opening of the grant helpers (grant_worker, grant_client, grant_admin,
-- revoke_all; helper is the name of the one calling): only a role that may
-- pass pgflow's privileges on calls them (the owner, a superuser, or a role
-- holding them with grant option), and role must not be null. Returns the
-- role's name, for the GRANT and REVOKE statements. example is the call to
-- show in the hint of a null role. A role that no longer exists (dropped
-- after DROP OWNED BY, its oid left in pgflow.grants) is undefined_object,
-- except to revoke_all, which gets null and forgets its records. An invoker
-- function, like the helpers: current_user is their caller.
create function pgflow._assert_may_grant(helper text, role regrole, example text)
returns name
language plpgsql
stable
set search_path = ''
as $$
declare
  v_role name;
begin
  if not pgflow._may_grant(current_user) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not call pgflow.%s', current_user, _assert_may_grant.helper),
      hint    = 'Only the owner of the pgflow extension (or a superuser) hands out pgflow''s privileges.';
  end if;
  if _assert_may_grant.role is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'role must not be null',
      hint    = format('Name an existing role: %s', _assert_may_grant.example);
  end if;
  select r.rolname into v_role from pg_catalog.pg_roles as r where r.oid = _assert_may_grant.role;
  if not found and _assert_may_grant.helper <> 'revoke_all' then
    raise exception using
      errcode = 'undefined_object',
      message = format('role with oid %s does not exist', _assert_may_grant.role::oid),
      hint    = 'Name an existing role.';
  end if;
  return v_role;
end;
$$;
