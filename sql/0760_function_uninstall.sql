
-- uninstall()
-- Removes what DROP EXTENSION pgflow would leave behind, before it is run:
-- the pg_cron jobs pgflow scheduled (pgflow.schedules; they would fail every
-- minute once the functions are gone), every flow's pgmq queue with its
-- archive (pgmq is an extension of its own, so its queues outlive pgflow,
-- and a new flow of an old slug would find the old queue), and every
-- privilege the grant helpers gave (revoke_all per role in pgflow.grants).
-- The data goes with the queues: this is for removing pgflow for good.
--   select pgflow.uninstall(); drop extension pgflow; drop schema pgflow;
-- (schema pgflow is not a member of the extension: DROP EXTENSION leaves it.)
-- Only the owner of pgflow or a superuser runs it (no grant helper gives it).
create function pgflow.uninstall()
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flow text;
  v_role regrole;
begin
  if not pgflow._may_grant(pgflow._caller()) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not uninstall pgflow', pgflow._caller()),
      hint    = 'Only the owner of the pgflow extension (or a superuser) removes it.';
  end if;
  -- (records restored into a database that cannot reach pg_cron have no job to remove)
  if pgflow._cron_place() is not null then
    begin
      perform pgflow._unschedule_job(s.job_name) from pgflow.schedules as s order by s.job_name;
    exception when feature_not_supported then
      -- cron.database_name names a database without pg_cron, or one the
      -- owner may not reach through dblink: no job of ours can be there to
      -- remove, or none that we can; say so and remove the rest
      raise warning using
        message = format('uninstall left pgflow''s pg_cron jobs alone: %s', sqlerrm),
        hint    = 'Remove them with cron.unschedule() in the database that cron.database_name names, if they exist.';
    end;
  end if;
  delete from pgflow.schedules;
  for v_role in select distinct g.role from pgflow.grants as g order by g.role loop
    perform pgflow.revoke_all(v_role);
  end loop;
  for v_flow in select f.flow_slug from pgflow.flows as f order by f.flow_slug loop
    if exists (select from pgmq.meta as m where m.queue_name = v_flow) then
      perform pgmq.drop_queue(v_flow);
    end if;
  end loop;
end;
$$;

comment on function pgflow.uninstall() is
  'before drop extension pgflow: removes pgflow''s cron jobs, every flow''s queue and the privileges pgflow granted';
