
-- _skip_exhausted_step( run_id, flow_slug, step_slug, error_message, failure )
-- What a step with when_exhausted 'skip' or 'skip_cascade' does instead of
-- failing when a task of it failed for good (_fail_step): the run goes on
-- without it.
-- - The step's tasks still open (the other elements of a map) will not run:
--   they fail ("not run: ...") and their messages are archived; the step is
--   skipped (skip_reason exhausted), keeping started_at and the error.
-- - 'skip': its dependents run without its key, as after a skip by
--   when_unmet; a map step that maps over it has no array and is skipped
--   (dependency_skipped).
-- - 'skip_cascade': every step downstream of it is skipped too
--   (dependency_skipped).
-- Skipped steps settle like completed ones, minus their output (the run's
-- remaining_steps, their dependents' remaining_deps), step:skipped is sent
-- for each (the first with the error and failure), and the run is driven on
-- (_cascade): what became ready is queued, and the run completes when
-- nothing remains. The caller holds the run's lock.
create function pgflow._skip_exhausted_step(run_id uuid, flow_slug text, step_slug text, error_message text,
                                            failure text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_cascade boolean;
  v_msg_ids bigint[];
  v_skipped text[];
  v_new     text[];
  v_events  jsonb[];
begin
  select s.when_exhausted = 'skip_cascade' into v_cascade
    from pgflow.steps as s
   where s.flow_slug = _skip_exhausted_step.flow_slug and s.step_slug = _skip_exhausted_step.step_slug;

  with closed as (
    update pgflow.step_tasks as t
       set status = 'failed', failed_at = now(),
           error_message = format('not run: step "%s" was skipped after a task failed for good (when_exhausted)',
                                  _skip_exhausted_step.step_slug)
     where t.run_id = _skip_exhausted_step.run_id and t.step_slug = _skip_exhausted_step.step_slug
       and t.status in ('queued', 'started')
    returning t.message_id
  )
  select array_agg(c.message_id order by c.message_id) into v_msg_ids from closed as c where c.message_id is not null;
  if cardinality(v_msg_ids) > 0 then
    perform pgmq.archive(_skip_exhausted_step.flow_slug, v_msg_ids);
  end if;

  update pgflow.step_states as ss
     set status = 'skipped', skipped_at = now(), skip_reason = 'exhausted', remaining_tasks = null,
         error_message = _skip_exhausted_step.error_message
   where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = _skip_exhausted_step.step_slug;
  perform pgflow._emit_event(_skip_exhausted_step.flow_slug, _skip_exhausted_step.run_id, 'step:skipped',
    jsonb_build_object('step_slug', _skip_exhausted_step.step_slug, 'status', 'skipped', 'skipped_at', now(),
                       'skip_reason', 'exhausted', 'error_message', _skip_exhausted_step.error_message,
                       'failure', _skip_exhausted_step.failure));
  v_skipped := array[_skip_exhausted_step.step_slug];

  loop
    -- settle what was just skipped: like a completed step, minus its output
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - cardinality(v_skipped)
     where r.run_id = _skip_exhausted_step.run_id;
    update pgflow.step_states as ss
       set remaining_deps = ss.remaining_deps - c.n
      from (select d.step_slug, count(*)::integer as n
              from pgflow.deps as d
             where d.flow_slug = _skip_exhausted_step.flow_slug and d.dep_slug = any(v_skipped)
             group by d.step_slug) as c
     where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = c.step_slug;

    -- next: everything downstream (skip_cascade, once), or the maps over what was skipped
    with recursive downstream as (
      select d.step_slug from pgflow.deps as d
       where v_cascade and d.flow_slug = _skip_exhausted_step.flow_slug and d.dep_slug = any(v_skipped)
      union
      select d.step_slug from pgflow.deps as d join downstream as ds on d.dep_slug = ds.step_slug
       where d.flow_slug = _skip_exhausted_step.flow_slug
    ), skipped as (
      update pgflow.step_states as ss
         set status = 'skipped', skipped_at = now(), skip_reason = 'dependency_skipped'
       where ss.run_id = _skip_exhausted_step.run_id and ss.status = 'created'
         and (ss.step_slug in (select ds.step_slug from downstream as ds)
              or ss.step_slug in (select d.step_slug
                                    from pgflow.deps as d
                                    join pgflow.steps as s on s.flow_slug = d.flow_slug and s.step_slug = d.step_slug
                                   where d.flow_slug = _skip_exhausted_step.flow_slug and d.dep_slug = any(v_skipped)
                                     and s.step_type = 'map'))
      returning ss.step_slug
    )
    select array_agg(sk.step_slug) into v_new from skipped as sk;
    exit when v_new is null;
    v_cascade := false; -- the whole downstream is skipped already
    v_skipped := v_new;
    if pgflow._is_distributed() then
      -- Citus would call _emit_event on the run's node: the values read first
      v_events := array(select jsonb_build_object('step_slug', ss.step_slug, 'status', 'skipped',
                                                  'skipped_at', ss.skipped_at, 'skip_reason', ss.skip_reason)
                          from pgflow.step_states as ss
                          join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
                         where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = any(v_skipped)
                         order by s.step_index);
      perform pgflow._emit_event(_skip_exhausted_step.flow_slug, _skip_exhausted_step.run_id, 'step:skipped', e.p)
         from unnest(v_events) with ordinality as e(p, n)
        order by e.n;
    else
      perform pgflow._emit_event(_skip_exhausted_step.flow_slug, _skip_exhausted_step.run_id, 'step:skipped',
                jsonb_build_object('step_slug', ss.step_slug, 'status', 'skipped',
                                   'skipped_at', ss.skipped_at, 'skip_reason', ss.skip_reason))
         from pgflow.step_states as ss
         join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
        where ss.run_id = _skip_exhausted_step.run_id and ss.step_slug = any(v_skipped)
        order by s.step_index;
    end if;
  end loop;

  perform pgflow._cascade(array[_skip_exhausted_step.run_id], array[_skip_exhausted_step.flow_slug], null, null);
end;
$$;
