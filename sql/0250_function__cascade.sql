
-- _cascade( run_ids, flow_slugs, done_runs, done_steps, started )
-- Drives runs forward, any number at once (runs of the flows flow_slugs):
-- after steps completed (step done_steps[i] of run done_runs[i]), or, with no
-- steps, after the runs started or resumed. started: steps the caller marked
-- started already (_start_runs' roots), whose tasks are to be queued. It settles the completed steps, skips the ready steps
-- whose condition is not met (_apply_conditions, for flows with conditions),
-- queues the steps that became ready, completes at once the maps over empty
-- arrays and the started signal steps whose signal came (which may make
-- more steps ready: hence the loop), and completes the
-- runs with nothing left. Each stage is one statement for all the runs, so a
-- batch of tasks (complete_tasks) or of runs (start_flows) pays it once. A run
-- that fails on the way (a map over no array, an unmet 'fail' condition) is
-- driven no further. The caller holds the runs' locks.
--
-- After completions (done_runs given) in flows without conditions, the
-- stages that cannot find anything are skipped, so that one complete_task
-- pays for what its completion changed: _settle_completed_steps starts the
-- dependents that became ready itself, so _queue_ready_steps runs only when
-- it started some; the update for empty maps and signals runs only for
-- flows with dependent map steps or signal steps; and only the runs whose
-- remaining_steps reached 0 are looked at for completion.
--
-- Plans. The hot path's queries take arrays (run_id = any($1), unnest($1)).
-- For those, PostgreSQL's plan cache keeps choosing a new custom plan on every
-- call (planning then costs more than running), and a generic plan made while
-- the tables were small scans them, hash-joins them or looks runs up by status
-- long after they have grown. So the entry points (start_flow, start_flows,
-- start_tasks, complete_task, complete_tasks, fail_task, resume_run) run with
-- plan_cache_mode = force_generic_plan, and enable_seqscan, enable_hashjoin
-- and enable_mergejoin off: every query here finds its few rows by key,
-- through nested loops over the primary keys and the indexes it names. And
-- with join_collapse_limit = 1, the joins in the order written: each query
-- starts from the keys it was given. Left free, a plan made while a table
-- had been analyzed empty (its statistics say no rows, whatever its size)
-- started the settling from the flow's steps and read every step_state of
-- the flow per call through their flow_slug.
create function pgflow._cascade(run_ids uuid[], flow_slugs text[], done_runs uuid[], done_steps text[],
                                started pgflow.step_states[] default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_runs        uuid[] := _cascade.run_ids;     -- every run driven (and not failed)
  v_active      uuid[] := _cascade.run_ids;     -- the runs this round looks at
  v_done_runs   uuid[] := _cascade.done_runs;
  v_done_steps  text[] := _cascade.done_steps;
  v_failed      uuid[];
  v_ready       pgflow.step_states[] := _cascade.started; -- started steps to queue
  v_settled     pgflow.step_states[];          -- steps the settling started
  v_run         record;
  v_conditions  text[] := array(select f from unnest(_cascade.flow_slugs) as f
                                 where exists (select from pgflow.steps as s
                                                where s.flow_slug = f
                                                  and (s.run_if is not null or s.run_unless is not null)));
  v_signals     boolean;                        -- flows with signal steps: a started one may have its signal waiting
  v_maps        boolean;                        -- flows with dependent map steps: one may map over []
  -- only completions to settle, no conditions: see "After completions" above
  v_lean        boolean := coalesce(cardinality(_cascade.done_runs), 0) > 0 and cardinality(v_conditions) = 0;
  v_finished    uuid[] := '{}'::uuid[];         -- (lean) the runs whose remaining_steps reached 0
  v_done        uuid[];
begin
  select coalesce(bool_or(s.step_type = 'signal'), false), coalesce(bool_or(s.step_type = 'map' and s.deps_count > 0), false)
    into v_signals, v_maps
    from pgflow.steps as s
   where s.flow_slug = any(_cascade.flow_slugs) and s.step_type in ('signal', 'map');

  loop
    if cardinality(v_done_runs) > 0 then
      -- Without conditions, the steps made ready are marked started right away.
      select st.failed, st.ready, st.finished into v_failed, v_settled, v_done
        from pgflow._settle_completed_steps(v_done_runs, v_done_steps, cardinality(v_conditions) = 0) as st;
      v_ready := v_ready || v_settled;
      v_finished := v_finished || v_done;
      if cardinality(v_failed) > 0 then
        v_runs   := array(select r from unnest(v_runs) as r where r <> all(v_failed));
        v_active := array(select r from unnest(v_active) as r where r <> all(v_failed));
      end if;
    end if;

    -- Conditions are tested before anything ready is queued (or, for an
    -- empty map, completed); an unmet 'fail' condition fails the run. Flows
    -- without conditions (most) skip this.
    if cardinality(v_conditions) > 0 then
      for v_run in
        select r.run_id, r.flow_slug
          from unnest(v_active) as u(id)
          join pgflow.runs as r on r.run_id = u.id
         where r.flow_slug = any(v_conditions)
         order by r.run_id
      loop
        if not pgflow._apply_conditions(v_run.run_id, v_run.flow_slug) then
          v_runs   := array_remove(v_runs, v_run.run_id);
          v_active := array_remove(v_active, v_run.run_id);
        end if;
      end loop;
    end if;

    if not v_lean or coalesce(cardinality(v_ready), 0) > 0 then
      perform pgflow._queue_ready_steps(v_active, v_ready);
    end if;
    v_ready := null;

    exit when v_lean and not v_signals and not v_maps;

    with empty as (
      update pgflow.step_states as ss
         set status = 'completed', started_at = now(), completed_at = now(),
             remaining_tasks = 0, output = '[]'::jsonb
       where ss.run_id = any(v_active)
         and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks = 0
      returning ss.run_id, ss.step_slug
    ), signalled as (
      -- a signal step that started (now or earlier) and whose signal came
      -- (send_signal keeps one sent early): completed with the payload; not
      -- while its run is paused (resume_run cascades again)
      update pgflow.step_states as ss
         set status = 'completed', completed_at = now(), remaining_tasks = 0, output = sg.payload
        from pgflow.signals as sg, pgflow.runs as r
       where v_signals
         and sg.run_id = any(v_active)
         and ss.run_id = sg.run_id and ss.step_slug = sg.step_slug and ss.status = 'started'
         and r.run_id = ss.run_id and r.status = 'started'
      returning ss.run_id, ss.step_slug
    )
    select array_agg(e.run_id), array_agg(e.step_slug) into v_done_runs, v_done_steps
      from (select * from empty union all select * from signalled) as e;

    exit when v_done_runs is null;
    v_active := array(select distinct r from unnest(v_done_runs) as r);
  end loop;

  if not v_lean then
    perform pgflow._complete_runs_if_done(v_runs);
  elsif cardinality(v_finished) > 0 then
    perform pgflow._complete_runs_if_done(array(select r from unnest(v_runs) as r where r = any(v_finished)));
  end if;
end;
$$;
