
-- _authorize_client( flow_slug, run_id )
-- The client functions (start_flow, start_flows, start_flow_with_states,
-- subscribe; cancel_run, pause_run, resume_run, retry_run and send_signal
-- through _lock_client_run) check here, before anything else, that
-- their caller may use the flow: the caller is the role of an active SET
-- ROLE, else the session user (pgflow._caller(); inside a definer function
-- current_user is the owner). A role may use a flow when pgflow.grant_client
-- granted it that flow, or every flow, to it or to a role whose privileges
-- it has (pgflow.grants). Whoever may pass pgflow's privileges on (the
-- owner, a superuser: _may_grant) passes. Admins and workers do not pass by being
-- admins or workers: grant_admin lets a role read every run but start and
-- change none, and a role that is an admin and a client of some flows
-- starts runs of those flows only. A null flow passes: the calling function
-- reports it in its own words. Otherwise raises insufficient_privilege naming
-- the caller and the flow, whether the flow exists or not (a client learns
-- of no other flow); or, given the run_id the caller named
-- (_lock_client_run), exactly the error of a run that does not exist
-- (_lock_run's), so that a run of another flow looks like no run at all.
-- SECURITY DEFINER, as it reads pgflow.grants for the invoker function
-- start_flow_with_states too.
create function pgflow._authorize_client(flow_slug text, run_id uuid default null)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_caller text;
begin
  if _authorize_client.flow_slug is null then
    return;
  end if;
  v_caller := pgflow._caller();
  -- the owner first: the cheaper test (pg_cron's jobs and psql sessions run
  -- as the owner), then the recorded grants
  if pgflow._may_grant(v_caller)
     or exists (select from pgflow.grants as g
                 where g.kind = 'client'
                   and (g.flow_slug is null or g.flow_slug = _authorize_client.flow_slug)
                   and pg_catalog.pg_has_role(v_caller, g.role, 'USAGE')) then
    return;
  end if;
  if _authorize_client.run_id is not null then
    raise exception using
      errcode = 'undefined_object',
      message = format('run "%s" does not exist', _authorize_client.run_id),
      hint    = 'Look run ids up in pgflow.runs.';
  end if;
  raise exception using
    errcode = 'insufficient_privilege',
    message = format('role "%s" may not use flow "%s"', v_caller, left(_authorize_client.flow_slug, 200)),
    hint    = format('The owner of pgflow grants it with select pgflow.grant_client(%L, array[%L]);',
                     v_caller, left(_authorize_client.flow_slug, 200));
end;
$$;
