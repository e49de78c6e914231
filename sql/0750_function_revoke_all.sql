
-- revoke_all( role )
-- Takes back from role everything the grant helpers give in this database:
-- execute on pgflow's functions, its tables, usage on schemas pgflow and
-- pgmq, and the flows' queue tables. PUBLIC's own privileges (is_valid_slug,
-- calculate_retry_delay) are not touched. Only pgflow's owner calls it.
create function pgflow.revoke_all(role regrole)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role name;
  v_flow text;
begin
  -- only a role that may pass pgflow's privileges on: the owner, a superuser,
  -- or a role holding them with grant option
  if not pg_catalog.has_function_privilege(current_user, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION') then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not call pgflow.revoke_all', current_user),
      hint    = 'Only the owner of the pgflow extension (or a superuser) hands out pgflow''s privileges.';
  end if;
  if revoke_all.role is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'role must not be null',
      hint    = 'Name an existing role: select pgflow.revoke_all(''my_worker'');';
  end if;
  select r.rolname into v_role from pg_catalog.pg_roles as r where r.oid = revoke_all.role;

  execute format('revoke all on all functions in schema pgflow from %I', v_role);
  execute format('revoke all on all tables in schema pgflow from %I', v_role);
  for v_flow in select f.flow_slug from pgflow.flows as f order by f.flow_slug loop
    continue when to_regclass(format('pgmq.%I', 'q_' || lower(v_flow))) is null;
    execute format('revoke all on table pgmq.%I from %I', 'q_' || lower(v_flow), v_role);
  end loop;
  execute format('revoke usage on schema pgmq from %I', v_role);
  execute format('revoke usage on schema pgflow from %I', v_role);
end;
$$;

comment on function pgflow.revoke_all(regrole) is
  'takes back every pgflow privilege the grant helpers gave a role';
