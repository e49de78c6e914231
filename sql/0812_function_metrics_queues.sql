
-- metrics_queues()
-- The queue of each flow the caller may read: messages in it (queue_depth),
-- those visible now (waiting for a worker), and the age in seconds of the
-- oldest visible one since it was sent (pgmq's oldest_msg_age_sec; null when
-- none is visible). Clients and admins have no privilege on pgmq, so it is
-- SECURITY DEFINER and answers for the flows the caller may read only: every
-- flow for whoever may pass pgflow's privileges on (the owner, a superuser),
-- else _readable_flows. It reads only pgmq.q_<flow> of flows in pgflow.flows,
-- a table in schema pgmq owned by a trusted role (_is_trusted_role; the
-- name comes from the flow's slug, which create_flow checked), through its
-- oid, never through a name another role could have made.
create function pgflow.metrics_queues()
returns table (flow_slug text, queue_depth bigint, visible bigint, oldest_visible_age_seconds double precision)
language plpgsql
stable
security definer
set search_path = ''
set jit = off
as $$
declare
  v_caller text := pgflow._caller();
  v_flows  text[];
  v_queue  regclass;
begin
  if pg_catalog.has_function_privilege(v_caller, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                       'EXECUTE WITH GRANT OPTION') then
    v_flows := array(select f.flow_slug from pgflow.flows as f);
  else
    v_flows := pgflow._readable_flows((select r.oid from pg_catalog.pg_roles as r where r.rolname = v_caller)::regrole);
  end if;
  for metrics_queues.flow_slug, v_queue in
    select f.flow_slug, c.oid::regclass
      from pgflow.flows as f
      join pg_catalog.pg_class as c
        on c.relnamespace = 'pgmq'::regnamespace and c.relname = 'q_' || lower(f.flow_slug)
       and c.relkind in ('r', 'p')
     where f.flow_slug = any(v_flows)
       and pgflow._is_trusted_role(c.relowner)
     order by f.flow_slug
  loop
    execute format('select count(*), count(*) filter (where q.vt <= pg_catalog.clock_timestamp()),
                           extract(epoch from pg_catalog.clock_timestamp()
                                   - min(q.enqueued_at) filter (where q.vt <= pg_catalog.clock_timestamp()))::double precision
                      from %s as q', v_queue)
      into metrics_queues.queue_depth, metrics_queues.visible, metrics_queues.oldest_visible_age_seconds;
    return next;
  end loop;
end;
$$;

comment on function pgflow.metrics_queues() is
  'queue depth, visible messages and the age of the oldest visible one, per flow the caller may read';
