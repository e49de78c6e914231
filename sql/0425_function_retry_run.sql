
-- retry_run( run_id )
-- Takes a failed run back to started, from where it failed:
-- - completed steps keep their outputs, and skipped steps stay skipped (a
--   step skipped by when_exhausted too: its dependents may have run without
--   it already);
-- - every task that did not complete, of the failed steps and of the steps
--   the failure interrupted (their messages were archived when the run
--   failed), is queued again with fresh attempts (attempts_count 0) and a new
--   message, visible at once; it keeps its last error until its next attempt
--   reports;
-- - a failed step with tasks is started again; one that failed before it had
--   any (an unmet condition with when_unmet fail) is created again and
--   becomes ready as in a new run, its condition tested again;
-- - steps that never started wait for their dependencies as in a new run.
-- Sends run:retried (status started), then step:started for each step
-- started again, and wakes the flow's workers. Returns the run.
--
-- Only a failed run can be retried: any other status, cancelled included (a
-- cancel is a decision, not a failure: start a new run), is
-- object_not_in_prerequisite_state. An unknown run, or one of a flow the
-- caller may not use, is undefined_object, alike.
--
-- Late reports of the attempts that ran when the run failed change nothing:
-- their tasks are queued, not started, once retry_run committed, and a report
-- that came first found the run failed. Both lock the run first.
create function pgflow.retry_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run   pgflow.runs%rowtype;
  v_r     uuid[];
  v_s     text[];
  v_i     integer[];
  v_ids   bigint[];
  v_steps text[];
begin
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(retry_run.run_id,
                                   'Pass the id of the failed run to retry (pgflow.runs.run_id).');
  if v_run.status <> 'failed' then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be retried', retry_run.run_id, v_run.status),
      hint    = case v_run.status
                  when 'cancelled' then 'A cancelled run stays cancelled: start a new run with its input instead.'
                  else 'Only a failed run can be retried; a started or paused run is still going, a completed one is done.'
                end;
  end if;

  -- The tasks to run again: every one that did not complete, of the steps
  -- that failed or were interrupted, in the order of the flow's steps.
  with reopened as (
    update pgflow.step_tasks as t
       set status = 'queued', attempts_count = 0, started_at = null, failed_at = null, output = null,
           queued_at = now()
      from pgflow.step_states as ss
     where ss.run_id = retry_run.run_id and ss.status in ('failed', 'started')
       and t.run_id = ss.run_id and t.step_slug = ss.step_slug
       and t.status in ('queued', 'started', 'failed')
    returning t.run_id, t.step_slug, t.task_index
  )
  select array_agg(o.run_id order by s.step_index, o.task_index),
         array_agg(o.step_slug order by s.step_index, o.task_index),
         array_agg(o.task_index order by s.step_index, o.task_index)
    into v_r, v_s, v_i
    from reopened as o
    join pgflow.steps as s on s.flow_slug = v_run.flow_slug and s.step_slug = o.step_slug;

  if v_r is not null then
    -- Within one insert, pgmq's identity hands out ids in array order.
    v_ids := array(
      select id
        from pgmq.send_batch(
               v_run.flow_slug,
               array(select jsonb_build_object('flow_slug', v_run.flow_slug, 'run_id', u.r,
                                               'step_slug', u.s, 'task_index', u.i)
                       from unnest(v_r, v_s, v_i) with ordinality as u(r, s, i, n)
                      order by u.n),
               0) as id
       order by id);
    update pgflow.step_tasks as t
       set message_id = u.id
      from unnest(v_r, v_s, v_i, v_ids) as u(r, s, i, id)
     where t.run_id = u.r and t.step_slug = u.s and t.task_index = u.i;
  end if;

  -- Failed steps: started again with their open tasks, or created again
  -- when they had none.
  with reset as (
    update pgflow.step_states as ss
       set status = case when c.open > 0 then 'started' else 'created' end,
           started_at = case when c.open > 0 then coalesce(ss.started_at, now()) end,
           remaining_tasks = case when c.open > 0 then c.open end,
           failed_at = null, error_message = null
      from (select fs.step_slug,
                   (select count(*)::integer from pgflow.step_tasks as t
                     where t.run_id = fs.run_id and t.step_slug = fs.step_slug and t.status = 'queued') as open
              from pgflow.step_states as fs
             where fs.run_id = retry_run.run_id and fs.status = 'failed') as c
     where ss.run_id = retry_run.run_id and ss.step_slug = c.step_slug
    returning ss.step_slug, ss.status
  )
  select array_agg(r.step_slug) filter (where r.status = 'started') into v_steps from reset as r;

  update pgflow.runs as r
     set status = 'started', failed_at = null, output = null,
         remaining_steps = (select count(*)::integer from pgflow.step_states as ss
                             where ss.run_id = retry_run.run_id and ss.status in ('created', 'started'))
   where r.run_id = retry_run.run_id;

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:retried',
    jsonb_build_object('status', 'started', 'retried_at', now()));
  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'step:started',
            jsonb_build_object('step_slug', ss.step_slug, 'status', 'started',
                               'started_at', ss.started_at, 'remaining_tasks', ss.remaining_tasks))
     from pgflow.step_states as ss
     join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
    where ss.run_id = retry_run.run_id and ss.step_slug = any(v_steps)
    order by s.step_index;
  if v_r is not null then
    perform pgflow._wake_workers(v_run.flow_slug);
  end if;

  -- What is ready now (a step created again) is queued, as after a start.
  perform pgflow._cascade(array[retry_run.run_id], array[v_run.flow_slug], null, null);
  select * into v_run from pgflow.runs as r where r.run_id = retry_run.run_id;
  return v_run;
end;
$$;

comment on function pgflow.retry_run(uuid) is
  'takes a failed run back to started: completed steps keep their outputs, failed and interrupted tasks run again with fresh attempts';
