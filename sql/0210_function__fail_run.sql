
-- _fail_run( run_id, flow_slug, error_message )
-- Marks a started (or paused) run failed and archives the queue messages of its unfinished
-- tasks, so that no worker picks up work of a failed run. The caller holds the
-- run's lock.
create function pgflow._fail_run(run_id uuid, flow_slug text, error_message text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_failed_at timestamptz;
  v_msg_ids   bigint[];
begin
  update pgflow.runs as r
     set status = 'failed', failed_at = now(), paused_at = null
   where r.run_id = _fail_run.run_id and r.status in ('started', 'paused') -- cancel: a paused run can fail too
  returning r.failed_at into v_failed_at;
  if not found then
    return;
  end if;

  v_msg_ids := array(select t.message_id
                       from pgflow.step_tasks as t
                      where t.run_id = _fail_run.run_id
                        and t.status in ('queued', 'started')
                        and t.message_id is not null);
  if cardinality(v_msg_ids) > 0 then
    perform pgmq.archive(_fail_run.flow_slug, v_msg_ids);
  end if;

  perform pgflow._emit_event(_fail_run.flow_slug, _fail_run.run_id, 'run:failed',
    jsonb_build_object('status', 'failed', 'failed_at', v_failed_at, 'error_message', _fail_run.error_message));
end;
$$;
