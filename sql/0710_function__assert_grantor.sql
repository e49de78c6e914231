
-- _assert_grantor( helper )
-- The grant helpers are the owner's tools: only a role that may pass pgflow's
-- privileges on (the extension's owner, a superuser, or a role holding
-- them with grant option) calls them. Raises insufficient_privilege otherwise.
create function pgflow._assert_grantor(helper text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not pg_catalog.has_function_privilege(current_user, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION') then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not call pgflow.%s', current_user, helper),
      hint    = 'Only the owner of the pgflow extension (or a superuser) hands out pgflow''s privileges.';
  end if;
end;
$$;

-- _grant_execute( role_name, function_names )
-- Grants execute on every pgflow function with one of these names (all
-- overloads) to the role; names that do not exist (yet) are skipped.
create function pgflow._grant_execute(role_name name, function_names text[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_fn regprocedure;
begin
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace and p.proname = any(_grant_execute.function_names)
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, _grant_execute.role_name);
  end loop;
end;
$$;
