
-- _lock_run( run_id )
-- Locks a run for a state change and returns it; every function that changes
-- a run's state takes this lock first, so that changes to one run happen one
-- at a time and in one lock order. Raises undefined_object for an unknown run.
create function pgflow._lock_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype;
begin
  select * into v_run from pgflow.runs as r where r.run_id = _lock_run.run_id for no key update;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('run "%s" does not exist', coalesce(_lock_run.run_id::text, 'NULL')),
      hint    = 'Look run ids up in pgflow.runs.';
  end if;
  return v_run;
end;
$$;
