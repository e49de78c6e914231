
-- delete_flow_and_data( flow_slug )
-- For development: removes a flow and everything of it, all or nothing: its
-- runs with their step_states and step_tasks, its steps and deps, the flow,
-- its pgmq queue (with its archive), the grants made for it
-- (pgflow.grants), and the cron jobs that schedule_flow made to start it (its
-- rows of pgflow.schedules). Workers registered on its
-- queue stay in pgflow.workers. Waits for runs of it being started.
create function pgflow.delete_flow_and_data(flow_slug text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  if delete_flow_and_data.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Pass the slug of an existing flow.';
  end if;
  perform from pgflow.flows as f where f.flow_slug = delete_flow_and_data.flow_slug for update;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(delete_flow_and_data.flow_slug, 200)),
      hint    = 'Look the flows up in pgflow.flows.';
  end if;

  -- Every run of it, locked: a task a concurrent complete_task adds comes
  -- before this delete or not at all (there is no foreign key to refuse it).
  if pgflow._is_distributed() then
    -- Citus locks rows of one shard per statement only: one run at a time
    foreach v_id in array array(select r.run_id from pgflow.runs as r
                                 where r.flow_slug = delete_flow_and_data.flow_slug order by r.run_id) loop
      perform from pgflow.runs as r where r.run_id = v_id for update;
    end loop;
  else
    perform from pgflow.runs as r where r.flow_slug = delete_flow_and_data.flow_slug order by r.run_id for update;
  end if;
  delete from pgflow.signals as sg where sg.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.step_tasks as t where t.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.step_states as ss where ss.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.runs as r where r.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.deps as d where d.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.steps as s where s.flow_slug = delete_flow_and_data.flow_slug;
  delete from pgflow.flows as f where f.flow_slug = delete_flow_and_data.flow_slug;
  perform pgmq.drop_queue(delete_flow_and_data.flow_slug);
  -- its grants go too: a flow created later under the same slug starts with none
  delete from pgflow.grants as g where g.flow_slug = delete_flow_and_data.flow_slug;

  perform pgflow._unschedule_job(s.job_name)
     from pgflow.schedules as s
    where s.flow_slug = delete_flow_and_data.flow_slug
    order by s.job_name;
end;
$$;

comment on function pgflow.delete_flow_and_data(text) is
  'for development: removes a flow with its runs, steps, queue and schedule_flow cron jobs';
