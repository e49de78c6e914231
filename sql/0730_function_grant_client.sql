
-- grant_client( role )
-- Makes role a client: it may start runs (start_flow, start_flow_with_states),
-- read them (get_run_with_states; select on flows, steps, deps, runs,
-- step_states, step_tasks) and, where the functions exist, cancel, pause and
-- resume them. It needs no privilege on pgmq: start_flow sends the messages
-- as pgflow's owner. Only pgflow's owner calls it.
create function pgflow.grant_client(role regrole)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role name;
  v_fn   regprocedure;
begin
  -- only a role that may pass pgflow's privileges on: the owner, a superuser,
  -- or a role holding them with grant option
  if not pg_catalog.has_function_privilege(current_user, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION') then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not call pgflow.grant_client', current_user),
      hint    = 'Only the owner of the pgflow extension (or a superuser) hands out pgflow''s privileges.';
  end if;
  if grant_client.role is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'role must not be null',
      hint    = 'Name an existing role: select pgflow.grant_client(''my_app'');';
  end if;
  select r.rolname into v_role from pg_catalog.pg_roles as r where r.oid = grant_client.role;

  execute format('grant usage on schema pgflow to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are skipped
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['start_flow', 'start_flows', 'start_flow_with_states', 'get_run_with_states',
                                              'cancel_run', 'pause_run', 'resume_run', 'subscribe'])
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, v_role);
  end loop;
  execute format('grant select on table pgflow.flows, pgflow.steps, pgflow.deps, pgflow.runs, '
                 'pgflow.step_states, pgflow.step_tasks to %I', v_role);
end;
$$;

comment on function pgflow.grant_client(regrole) is
  'lets a role start, read, cancel, pause and resume runs, and nothing else';
