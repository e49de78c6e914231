
-- get_flow_shape( flow_slug )
-- The canonical shape of a flow (see _flow_shape): its steps in step_index
-- order with slug, type and sorted deps, options apart. Its sha256 is the
-- flow's shape_hash. The same steps give the same shape in any flow and any
-- database.
-- A worker checks its flows against it before it serves them, so it answers
-- every role with a job on the flow, none of which need read pgflow's tables:
-- a worker of the flow (_may_work: what grant_worker grants, or pgflow's
-- maintenance), a client of it or of every flow, an admin (pgflow.grants, of
-- the caller or a role whose privileges it has), the owner and superusers.
-- Anyone else gets insufficient_privilege, whether the flow exists or not:
-- the caller is authorized before the flow is looked up, so a refusal
-- reveals nothing. SECURITY DEFINER for that; it reads, and changes nothing.
create function pgflow.get_flow_shape(flow_slug text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_caller text := pgflow._caller();
begin
  if get_flow_shape.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Pass the slug of an existing flow.';
  end if;
  if not (pg_catalog.has_function_privilege(v_caller, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                            'EXECUTE WITH GRANT OPTION')
          or exists (select from pgflow.grants as g
                      where g.kind in ('admin', 'client', 'worker')
                        and (g.flow_slug is null or g.flow_slug = get_flow_shape.flow_slug)
                        and pg_catalog.pg_has_role(v_caller, g.role, 'USAGE'))
          or pgflow._may_work(get_flow_shape.flow_slug)) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not read flow "%s"', v_caller, left(get_flow_shape.flow_slug, 200)),
      hint    = format('The owner of pgflow grants it with select pgflow.grant_worker(%L, array[%L]); (or grant_client, grant_admin).',
                       v_caller, left(get_flow_shape.flow_slug, 200));
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = get_flow_shape.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(get_flow_shape.flow_slug, 200)),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;
  return pgflow._flow_shape(get_flow_shape.flow_slug);
end;
$$;

comment on function pgflow.get_flow_shape(text) is
  'the canonical shape of a flow: steps in order with slug, type and sorted deps (options apart); for its workers, clients and admins';
