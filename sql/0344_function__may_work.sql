
-- _may_work( flow_slug )
-- Whether the caller may work on the flow, for the worker functions, which
-- run as the extension's owner (SECURITY DEFINER): the caller is the role of
-- an active SET ROLE, else the session user (inside a definer function
-- current_user is the owner). A role may work a flow when it may update the
-- flow's queue table (pgflow.grant_worker grants that), or when it runs
-- pgflow's maintenance (execute on requeue_stalled_tasks, which fails tasks
-- on their last attempt). Superusers and the owner pass. False for a flow
-- without a queue.
create function pgflow._may_work(flow_slug text)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
  v_caller text := pgflow._caller();
  v_queue  oid;
begin
  select c.oid into v_queue
    from pg_catalog.pg_class as c
   where c.relnamespace = 'pgmq'::regnamespace and c.relname = 'q_' || lower(_may_work.flow_slug);
  return (v_queue is not null and pg_catalog.has_table_privilege(v_caller, v_queue, 'UPDATE'))
      or pg_catalog.has_function_privilege(v_caller, 'pgflow.requeue_stalled_tasks()'::regprocedure, 'EXECUTE');
end;
$$;
