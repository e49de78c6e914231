
-- prune( older_than )
-- Deletes the runs that completed, failed or were cancelled more than older_than ago, with
-- their step_states, step_tasks and signals (their idempotency keys go with
-- them), and their tasks' messages from the flow's
-- pgmq archive (and queue, should one be left there). Started and paused runs stay.
-- Returns the number of runs deleted.
create function pgflow.prune(older_than interval)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run_ids uuid[];
  v_flow    text;
  v_msg_ids bigint[];
  v_found   uuid[];
  v_id      uuid;
  -- a value, not now() beside the columns: Citus evaluates no STABLE
  -- function next to a distributed table's columns
  v_before  timestamptz := now() - prune.older_than;
begin
  if prune.older_than is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'older_than must not be null',
      hint    = 'Pass how old a finished run must be to go, such as interval ''7 days''.';
  end if;
  if prune.older_than < interval '0' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('older_than must not be negative, got %s', prune.older_than),
      hint    = 'Pass how old a finished run must be to go, such as interval ''7 days''.';
  end if;

  -- Locked in run_id order, so that two prunes at once do not deadlock.
  if pgflow._is_distributed() then
    -- Citus locks rows of one shard per statement only: the old runs, then
    -- each one locked (and checked again) on its own, in the same order
    v_found := array(
      select r.run_id
        from pgflow.runs as r
       where (r.status = 'completed' and r.completed_at < v_before)
          or (r.status = 'failed' and r.failed_at < v_before)
          or (r.status = 'cancelled' and r.cancelled_at < v_before) -- cancel
       order by r.run_id);
    v_run_ids := '{}';
    foreach v_id in array v_found loop
      perform from pgflow.runs as r
        where r.run_id = v_id
          and ((r.status = 'completed' and r.completed_at < v_before)
               or (r.status = 'failed' and r.failed_at < v_before)
               or (r.status = 'cancelled' and r.cancelled_at < v_before)) -- cancel
          for update;
      if found then
        v_run_ids := v_run_ids || v_id;
      end if;
    end loop;
  else
    v_run_ids := array(
      select r.run_id
        from pgflow.runs as r
       where (r.status = 'completed' and r.completed_at < now() - prune.older_than)
          or (r.status = 'failed' and r.failed_at < now() - prune.older_than)
          or (r.status = 'cancelled' and r.cancelled_at < now() - prune.older_than) -- cancel
       order by r.run_id
         for update);
  end if;
  if cardinality(v_run_ids) = 0 then
    return 0;
  end if;

  for v_flow, v_msg_ids in
    select t.flow_slug, array_agg(t.message_id)
      from pgflow.step_tasks as t
     where t.run_id = any(v_run_ids) and t.message_id is not null
     group by t.flow_slug
     order by t.flow_slug
  loop
    execute format('delete from pgmq.%I as a where a.msg_id = any($1)', 'a_' || lower(v_flow)) using v_msg_ids;
    perform pgmq.delete(v_flow, v_msg_ids);
  end loop;

  delete from pgflow.signals as sg where sg.run_id = any(v_run_ids);
  delete from pgflow.step_tasks as t where t.run_id = any(v_run_ids);
  delete from pgflow.step_states as ss where ss.run_id = any(v_run_ids);
  delete from pgflow.runs as r where r.run_id = any(v_run_ids);
  return cardinality(v_run_ids);
end;
$$;

comment on function pgflow.prune(interval) is
  'deletes runs finished more than older_than ago, with their states, tasks and archived messages';
