
-- _authorize_worker( flow_slug )
-- The worker functions run as the extension's owner (SECURITY DEFINER), so
-- they check here that their caller may work on the flow: the caller is the
-- role of an active SET ROLE, else the session user (inside a definer
-- function current_user is the owner). A role may work a flow when it may
-- update the flow's queue table (pgflow.grant_worker grants that), or when it
-- runs pgflow's maintenance (execute on requeue_stalled_tasks, which fails
-- tasks on their last attempt). Superusers and the owner pass. A null or
-- unknown flow passes: the calling function reports it in its own words.
-- Raises insufficient_privilege otherwise.
create function pgflow._authorize_worker(flow_slug text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_caller text := case when coalesce(current_setting('role', true), 'none') = 'none'
                        then session_user::text
                        else current_setting('role', true) end;
  v_queue  oid;
begin
  if _authorize_worker.flow_slug is null
     or not exists (select from pgflow.flows as f where f.flow_slug = _authorize_worker.flow_slug) then
    return;
  end if;
  select c.oid into v_queue
    from pg_catalog.pg_class as c
   where c.relnamespace = 'pgmq'::regnamespace and c.relname = 'q_' || lower(_authorize_worker.flow_slug);
  if (v_queue is not null and pg_catalog.has_table_privilege(v_caller, v_queue, 'UPDATE'))
     or pg_catalog.has_function_privilege(v_caller, 'pgflow.requeue_stalled_tasks()'::regprocedure, 'EXECUTE') then
    return;
  end if;
  raise exception using
    errcode = 'insufficient_privilege',
    message = format('role "%s" may not work on flow "%s"', v_caller, _authorize_worker.flow_slug),
    hint    = format('The owner of pgflow grants it with select pgflow.grant_worker(%L, array[%L]);',
                     v_caller, _authorize_worker.flow_slug);
end;
$$;
