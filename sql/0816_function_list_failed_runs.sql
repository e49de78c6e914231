
-- list_failed_runs( for_flow, before_failed_at, before_run_id, max_rows )
-- The failed runs the caller may read, newest first, each with the step that
-- failed first and its error: a page of at most max_rows (default 50, at most
-- 1000). for_flow (null: every flow) keeps one flow's. The next page starts
-- after the last row: pass its failed_at and run_id as before_failed_at and
-- before_run_id (keyset paging on runs_failed_idx, as cheap on the
-- thousandth page as on the first). An invoker function, read through
-- row-level security like metrics_runs: to a client, a flow it may not read
-- does not exist.
create function pgflow.list_failed_runs(for_flow text default null, before_failed_at timestamptz default null,
                                        before_run_id uuid default null, max_rows integer default 50)
returns table (run_id uuid, flow_slug text, started_at timestamptz, failed_at timestamptz,
               step_slug text, error_message text)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
begin
  if list_failed_runs.max_rows is null or list_failed_runs.max_rows not between 1 and 1000 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('max_rows must be between 1 and 1000, got %s', coalesce(list_failed_runs.max_rows::text, 'null')),
      hint    = 'Read long lists a page at a time, passing the last row''s failed_at and run_id.';
  end if;
  if list_failed_runs.before_run_id is not null and list_failed_runs.before_failed_at is null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('before_run_id "%s" needs before_failed_at', list_failed_runs.before_run_id),
      hint    = 'Pass both the failed_at and the run_id of the last row of the previous page.';
  end if;
  if list_failed_runs.for_flow is not null
     and not exists (select from pgflow.flows as f where f.flow_slug = list_failed_runs.for_flow) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(list_failed_runs.for_flow, 200)),
      hint    = 'Pass the slug of a flow in pgflow.flows, or null for every flow.';
  end if;
  return query
    select r.run_id, r.flow_slug, r.started_at, r.failed_at, s.step_slug, s.error_message
      from pgflow.runs as r
      left join lateral (
            select ss.step_slug, ss.error_message
              from pgflow.step_states as ss
             where ss.run_id = r.run_id and ss.status = 'failed'
             order by ss.failed_at, ss.step_slug
             limit 1) as s on true
     where r.status collate "C" = 'failed'
       and (list_failed_runs.for_flow is null or r.flow_slug = list_failed_runs.for_flow)
       and (list_failed_runs.before_failed_at is null
            or (r.failed_at, r.run_id) < (list_failed_runs.before_failed_at,
                                          coalesce(list_failed_runs.before_run_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
     order by r.failed_at desc, r.run_id desc
     limit list_failed_runs.max_rows;
end;
$$;

comment on function pgflow.list_failed_runs(text, timestamptz, uuid, integer) is
  'the failed runs the caller may read, newest first, with the failing step and its error, a page at a time';
