
-- _assert_slug( kind, slug )
-- Raises unless slug is a valid slug; kind ('flow' or 'step') names it. A
-- flow may not be called pgflow_events (0.2.7): a flow's events go to the
-- channel named after it, and pgflow_events is the channel of every flow's
-- events. A flow of that name made before 0.2.7 stays and runs, but
-- create_flow, add_step and ensure_flow refuse its name.
--
-- A slug that is_valid_slug rejects (pattern, length, "run") raises what
-- upstream pgflow 0.8.1's table check raises, which its callers match (since
-- 0.2.9): check_violation (23514) with its message, constraint and table
-- (flows' "slug_is_valid", steps' "steps_step_slug_check"); the detail names
-- the bad slug and the hint says what a slug is.
create function pgflow._assert_slug(kind text, slug text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_table      constant text := case _assert_slug.kind when 'flow' then 'flows' else 'steps' end;
  v_constraint constant text := case _assert_slug.kind when 'flow' then 'slug_is_valid' else 'steps_step_slug_check' end;
begin
  if slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('%s slug must not be null', kind),
      hint    = 'Slugs match ^[a-zA-Z_][a-zA-Z0-9_]*$ and are at most 128 characters.';
  end if;
  if kind = 'flow' and slug = 'pgflow_events' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = 'flow slug "pgflow_events" is reserved',
      hint    = 'pgflow_events is the channel of every flow''s events, and a flow''s own go to the channel named after it; choose another slug.';
  end if;
  if not pgflow.is_valid_slug(slug) then
    raise exception using
      errcode    = 'check_violation',
      message    = format('new row for relation "%s" violates check constraint "%s"', v_table, v_constraint),
      detail     = case when slug = 'run' then format('%s slug "run" is reserved', kind)
                        else format('invalid %s slug "%s"', kind, left(slug, 200)) end,
      hint       = case when slug = 'run' then 'A task input keeps the run input under "run"; choose another slug.'
                        else 'Slugs match ^[a-zA-Z_][a-zA-Z0-9_]*$ and are at most 128 characters.' end,
      schema     = 'pgflow',
      table      = v_table,
      constraint = v_constraint;
  end if;
end;
$$;
