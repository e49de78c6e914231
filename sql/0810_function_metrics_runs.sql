
-- metrics_runs( minutes )
-- Runs by status, per flow the caller may read: the runs in flight now
-- (started, paused), and those that completed, failed or were cancelled in
-- the last minutes (default 60, at most 1440). One row per flow and status,
-- zeros included, so that a gauge built from it drops to 0. Finished runs
-- are counted over a window, not over all history, so that the cost grows
-- with the runs finished in the window and not with the size of pgflow.runs
-- (runs_status_flow_idx, and an index per finished status: sql/0800). An
-- invoker function: row-level security shows a client its flows' runs only,
-- an admin every run (grant_client and grant_admin grant it).
create function pgflow.metrics_runs(minutes integer default 60)
returns table (flow_slug text, status text, runs bigint)
language plpgsql
stable
set search_path = ''
set jit = off
as $$
declare
  v_since timestamptz;
begin
  v_since := pgflow._metrics_since(metrics_runs.minutes);
  return query
    select f.flow_slug, s.status,
           case s.status
             when 'started' then (select count(*) from pgflow.runs as r
                                   where r.flow_slug = f.flow_slug and r.status collate "C" = 'started')
             when 'paused' then (select count(*) from pgflow.runs as r
                                  where r.flow_slug = f.flow_slug and r.status collate "C" = 'paused')
             when 'completed' then (select count(*) from pgflow.runs as r
                                     where r.flow_slug = f.flow_slug and r.status collate "C" = 'completed'
                                       and r.completed_at >= v_since)
             when 'failed' then (select count(*) from pgflow.runs as r
                                  where r.flow_slug = f.flow_slug and r.status collate "C" = 'failed'
                                    and r.failed_at >= v_since)
             else (select count(*) from pgflow.runs as r
                    where r.flow_slug = f.flow_slug and r.status collate "C" = 'cancelled'
                      and r.cancelled_at >= v_since)
           end
      from pgflow.flows as f
     cross join unnest(array['started', 'paused', 'completed', 'failed', 'cancelled']) with ordinality as s(status, n)
     order by f.flow_slug, s.n;
end;
$$;

comment on function pgflow.metrics_runs(integer) is
  'runs in flight by status, and runs finished in the last minutes, per flow the caller may read';
