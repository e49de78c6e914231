
-- _authorize_worker( flow_slug )
-- Raises insufficient_privilege unless the caller may work on the flow
-- (_may_work). A null or unknown flow passes: the calling function reports
-- it in its own words. For functions that name a flow (start_tasks,
-- register_worker, set_vt_batch...): the caller knows the flow already, so
-- the error reveals nothing. Functions given a run id instead ask _may_work
-- and treat a run of someone else's flow as one that does not exist.
create function pgflow._authorize_worker(flow_slug text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if _authorize_worker.flow_slug is null
     or not exists (select from pgflow.flows as f where f.flow_slug = _authorize_worker.flow_slug)
     or pgflow._may_work(_authorize_worker.flow_slug) then
    return;
  end if;
  raise exception using
    errcode = 'insufficient_privilege',
    message = format('role "%s" may not work on flow "%s"', pgflow._caller(), _authorize_worker.flow_slug),
    hint    = format('The owner of pgflow grants it with select pgflow.grant_worker(%L, array[%L]);',
                     pgflow._caller(), _authorize_worker.flow_slug);
end;
$$;
