
-- _apply_conditions( run_id, flow_slug )
-- Tests the conditions of the steps that are ready (created, every dependency
-- settled) before they are queued, and skips what cannot run. A step's input is
--   {"run": <run input>, "<dep>": <dep output>, ...}
-- over its direct dependencies that completed (a skipped one has no key). Its
-- condition is met when the input contains run_if (if set) and does not
-- contain run_unless (if set): JSONB containment, plain data, never SQL. For a
-- map step that is the same step-level input, not each element. Unmet:
--   skip          the step is skipped (skip_reason condition_unmet);
--   skip_cascade  it is skipped, and so is every step downstream of it, even
--                 one with other dependencies (skip_reason dependency_skipped);
--   fail          the step fails, and with it the run: then this returns false.
-- A map step whose dependency was skipped has nothing to map over: it is
-- skipped (dependency_skipped). A skipped step settles like a completed one:
-- the run's remaining_steps and its dependents' remaining_deps go down, which
-- can make more steps ready: hence the loop. The caller holds the run's lock.
-- Every statement names run_id on each runtime table it reads, so that on
-- Citus it goes to the run's shard only (a correlated run_id is not enough
-- there); events are sent from values read first, on the node the caller
-- is connected to (a function called in a statement over a distributed
-- table would run on the shard's node).
create function pgflow._apply_conditions(run_id uuid, flow_slug text)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_unmet   text[];
  v_cascade text[];
  v_map     text[];
  v_fail    text;
  v_skipped text[];
  v_error   text;
  v_at      timestamptz[];
  v_reason  text[];
begin
  -- A flow without conditions never skips anything (skips start at an unmet
  -- condition): nothing to test, the common case on the hot path.
  if not exists (select from pgflow.steps as s
                  where s.flow_slug = _apply_conditions.flow_slug
                    and (s.run_if is not null or s.run_unless is not null)) then
    return true;
  end if;

  loop
    -- Ready steps that have a condition, or that map over a skipped step.
    select array_agg(c.step_slug order by c.step_index) filter (where c.map_dep_skipped),
           array_agg(c.step_slug order by c.step_index)
             filter (where not c.map_dep_skipped and not c.met and c.when_unmet = 'skip'),
           array_agg(c.step_slug order by c.step_index)
             filter (where not c.map_dep_skipped and not c.met and c.when_unmet = 'skip_cascade'),
           min(c.step_slug) filter (where not c.map_dep_skipped and not c.met and c.when_unmet = 'fail')
      into v_map, v_unmet, v_cascade, v_fail
      from (select s.step_slug, s.step_index, s.when_unmet,
                   (s.step_type = 'map' and exists (
                      select from pgflow.deps as d
                        join pgflow.step_states as dep
                          on dep.run_id = _apply_conditions.run_id and dep.step_slug = d.dep_slug
                       where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug
                         and dep.status = 'skipped')) as map_dep_skipped,
                   (s.run_if is null or i.input @> s.run_if)
                     and (s.run_unless is null or not i.input @> s.run_unless) as met
              from pgflow.step_states as ss
              join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
              join pgflow.runs as r on r.run_id = _apply_conditions.run_id
             -- the input, only for steps that have a condition (met otherwise)
              left join lateral (
               select jsonb_build_object('run', r.input)
                      || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                                     from pgflow.deps as d
                                     join pgflow.step_states as dep
                                       on dep.run_id = _apply_conditions.run_id and dep.step_slug = d.dep_slug
                                    where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug
                                      and dep.status = 'completed'),
                                  '{}'::jsonb) as input
                where s.run_if is not null or s.run_unless is not null) as i on true
             where ss.run_id = _apply_conditions.run_id
               and ss.status = 'created' and ss.remaining_deps = 0
               and (s.run_if is not null or s.run_unless is not null or s.step_type = 'map')) as c
     where c.map_dep_skipped or not c.met;

    if v_fail is not null then
      v_error := format('step "%s" was not run: its condition was not met (when_unmet is fail)', v_fail);
      perform pgflow._fail_step(_apply_conditions.run_id, _apply_conditions.flow_slug, v_fail, v_error);
      return false;
    end if;

    exit when v_map is null and v_unmet is null and v_cascade is null;

    -- Skip them, and for skip_cascade every step still waiting downstream.
    with recursive downstream as (
      select d.step_slug
        from pgflow.deps as d
       where d.flow_slug = _apply_conditions.flow_slug and d.dep_slug = any(v_cascade)
      union
      select d.step_slug
        from pgflow.deps as d
        join downstream as ds on d.dep_slug = ds.step_slug
       where d.flow_slug = _apply_conditions.flow_slug
    ), skipped as (
      update pgflow.step_states as ss
         set status = 'skipped', skipped_at = now(),
             skip_reason = case when ss.step_slug = any(coalesce(v_unmet, '{}') || coalesce(v_cascade, '{}'))
                                then 'condition_unmet' else 'dependency_skipped' end
       where ss.run_id = _apply_conditions.run_id and ss.status = 'created'
         and (ss.step_slug = any(coalesce(v_unmet, '{}') || coalesce(v_cascade, '{}') || coalesce(v_map, '{}'))
              or ss.step_slug in (select ds.step_slug from downstream as ds))
      returning ss.step_slug, ss.skipped_at, ss.skip_reason
    )
    select array_agg(sk.step_slug order by s.step_index), array_agg(sk.skipped_at order by s.step_index),
           array_agg(sk.skip_reason order by s.step_index)
      into v_skipped, v_at, v_reason
      from skipped as sk
      join pgflow.steps as s on s.flow_slug = _apply_conditions.flow_slug and s.step_slug = sk.step_slug;

    if pgflow._events_wanted() then
      perform pgflow._emit_event(_apply_conditions.flow_slug, _apply_conditions.run_id, 'step:skipped',
                jsonb_build_object('step_slug', e.step_slug, 'status', 'skipped',
                                   'skipped_at', e.skipped_at, 'skip_reason', e.skip_reason))
         from unnest(v_skipped, v_at, v_reason) with ordinality as e(step_slug, skipped_at, skip_reason, n)
        order by e.n;
    end if;

    -- A skipped step settles: like a completed one, minus its output.
    update pgflow.runs as r
       set remaining_steps = r.remaining_steps - cardinality(v_skipped)
     where r.run_id = _apply_conditions.run_id;

    update pgflow.step_states as ss
       set remaining_deps = ss.remaining_deps - c.n
      from (select d.step_slug, count(*)::integer as n
              from pgflow.deps as d
             where d.flow_slug = _apply_conditions.flow_slug and d.dep_slug = any(v_skipped)
             group by d.step_slug) as c
     where ss.run_id = _apply_conditions.run_id and ss.step_slug = c.step_slug;
  end loop;
  return true;
end;
$$;
