
-- get_flow_shape( flow_slug )
-- The canonical shape of a flow (see _flow_shape): its steps in step_index
-- order with slug, type and sorted deps, options apart. Its sha256 is the
-- flow's shape_hash. The same steps give the same shape in any flow and any
-- database.
create function pgflow.get_flow_shape(flow_slug text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  if get_flow_shape.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Pass the slug of an existing flow.';
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
  'the canonical shape of a flow: steps in order with slug, type and sorted deps (options apart)';
