
-- start_tasks( flow_slug, msg_ids, worker_id )
-- A worker read msg_ids from the flow's queue: start their tasks and return
-- what it needs to run them. Each task's attempts_count goes up by one and its
-- message stays invisible for the step's timeout + 2 seconds.
--
-- A task is startable when queued, or when started but its lease ran out
-- (started_at + timeout + 2 s has passed: its worker died or hung, and the
-- message became visible again), which counts as a new attempt. A task
-- locked by another transaction (being started, completed or failed) is
-- skipped, not waited for. The lease is
-- checked against the clock, not the transaction's start: pgmq.read compares
-- visibility with the clock, and a reader whose transaction began just before
-- the message came back must still take it over rather than hide it again. So of two
-- workers racing for one message only the first starts it. A task whose lease
-- ran out on its last attempt is not started again: it fails (_fail_tasks), and
-- with it its step and run. Messages of finished tasks or of runs that are no
-- longer running yield nothing. Messages of cancelled tasks (a worker read
-- them just before cancel_run) are archived. Messages of a paused run's
-- queued tasks (and started ones whose lease ran out) are held: their
-- visibility becomes 'infinity' until resume_run releases them. A message that belongs to no task at all is
-- archived with a warning, so a stray message cannot come back forever.
--
-- Plans: as the other entry points (see _cascade), the joins in the order
-- written: from the messages' task keys to the tasks, then their steps,
-- flows and runs, each by primary key.
--
-- Task input: for a single step {"run": <run input>, "<dep>": <dep output>, ...};
-- for a map step the array element at task_index. A skipped dependency has no key.
--
-- A task whose input cannot be built (the run input and the dependencies'
-- outputs together pass jsonb's 256 MB limit: program_limit_exceeded, or the
-- server runs out of memory building it) fails on its own, and the batch goes
-- on: 0.2.6 failed the whole call, the task stayed queued with no attempt
-- counted, and as reads return the oldest messages first its flow never moved
-- again. The common case pays for one subtransaction around the statement
-- that starts the tasks (and its transaction id), not one per task. Only when
-- that statement fails, which undoes it, is each task's input built on its
-- own, locking nothing. Each task that cannot have one is then started and
-- failed like any failed attempt, through _fail_tasks: an attempt counted, the
-- error message saying why, retried after base_delay or, on the last attempt,
-- failing its step and run. Its run is locked first, as complete_task does,
-- and before any other task is: runs before tasks, the one lock order. Then
-- the statement starts the others as usual.
--
-- On Citus (_is_distributed(), docs/scaling.md) the messages' run ids are
-- read from the queue (local on the coordinator) and the tasks found on those
-- runs' shards; the tasks are started by the same statement once per run, with
-- the run named on each distributed table (Citus takes FOR UPDATE only in a
-- statement on one shard); runs are locked one at a time. Plain PostgreSQL
-- keeps its statements and plans.
--
-- Timeouts: a stored timeout is read as at most 2147483645 seconds (the most
-- _assert_option allows since 0.2.7; 0.2.6 let larger ones in), so the lease,
-- timeout + 2 seconds, fits pgmq's integer visibility timeout.
create function pgflow.start_tasks(flow_slug text, msg_ids bigint[], worker_id uuid)
returns setof pgflow.step_task_record
language plpgsql
volatile
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
declare
  v_tasks   pgflow.step_task_record[];
  v_timeout integer;
  v_ids     bigint[];
  v_unknown bigint[];
  v_exp_r   uuid[];
  v_exp_s   text[];
  v_exp_i   integer[];
  v_exp_e   text[];
  v_runs    uuid[];
  v_steps   text[];
  v_indexes integer[];
  v_found   bigint[];
  v_retried boolean := false;
  v_key     record;
  v_bad     record;
  v_bad_r   uuid[] := '{}'::uuid[];
  v_bad_s   text[] := '{}'::text[];
  v_bad_i   integer[] := '{}'::integer[];
  v_bad_e   text[] := '{}'::text[];
  v_msg_runs uuid[];
  v_r       uuid;
  v_part    pgflow.step_task_record[];
begin
  perform pgflow._authorize_worker(start_tasks.flow_slug);
  if start_tasks.flow_slug is null or start_tasks.worker_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow_slug and worker_id must not be null',
      hint    = 'Pass the flow, the message ids read from its queue and the registered worker''s id.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = start_tasks.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(start_tasks.flow_slug, 200)),
      hint    = 'Workers read the queue named after the flow they serve.';
  end if;
  if not exists (select from pgflow.workers as w where w.worker_id = start_tasks.worker_id) then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', start_tasks.worker_id),
      hint    = 'Register it first with pgflow.register_worker(worker_id, queue_name, function_name).';
  end if;
  -- No messages: nothing to start. NULL counts as none, as upstream has it:
  -- array(select msg_id from pgmq.read(...)) is empty, but array_agg over an
  -- empty read, which workers also write, is NULL.
  if coalesce(cardinality(start_tasks.msg_ids), 0) = 0 then
    return;
  end if;

  -- The messages' tasks, one index lookup per message. Asked for all
  -- messages at once (message_id = any(...)), a plan made before step_tasks
  -- was first analyzed (a new install, a new flow's first minute) took
  -- flow_slug = $1 for selective and read every task of the flow per call;
  -- offset 0 keeps each lookup on its own, where both keys are used. Every
  -- later query goes from these keys.
  if pgflow._is_distributed() then
    -- Citus refuses the lateral lookup (offset 0 beside a table function).
    -- The queue is local on the coordinator: each message names its run, and
    -- the tasks are looked up on those runs' shards only.
    execute format('select array_agg(distinct (q.message ->> ''run_id'')::uuid) from pgmq.%I as q
                     where q.msg_id = any($1)
                       and q.message ->> ''run_id'' ~* ''^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$''',
                   'q_' || lower(start_tasks.flow_slug))
      into v_msg_runs
      using start_tasks.msg_ids;
    select array_agg(t.run_id), array_agg(t.step_slug), array_agg(t.task_index), array_agg(t.message_id)
      into v_runs, v_steps, v_indexes, v_found
      from pgflow.step_tasks as t
     where t.run_id = any(v_msg_runs) and t.flow_slug = start_tasks.flow_slug
       and t.message_id = any(start_tasks.msg_ids);
  else
    select array_agg(x.run_id), array_agg(x.step_slug), array_agg(x.task_index), array_agg(x.message_id)
      into v_runs, v_steps, v_indexes, v_found
      from (select distinct m.id from unnest(start_tasks.msg_ids) as m(id)) as m
     cross join lateral (select t.run_id, t.step_slug, t.task_index, t.message_id
                           from pgflow.step_tasks as t
                          where t.flow_slug = start_tasks.flow_slug and t.message_id = m.id
                         offset 0) as x;
  end if;

  -- Leases that ran out on the last attempt: fail those tasks (_fail_tasks,
  -- their runs locked first and in run_id order, as complete_tasks locks
  -- them) before starting anything.
  select array_agg(x.run_id), array_agg(x.step_slug), array_agg(x.task_index),
         array_agg(format('timed out: no result within %s seconds, after %s attempts', x.timeout + 2, x.attempts_count))
    into v_exp_r, v_exp_s, v_exp_i, v_exp_e
    from (select t.run_id, t.step_slug, t.task_index, t.attempts_count,
                 least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) as timeout
            from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
            join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
            join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
            join pgflow.flows as f on f.flow_slug = t.flow_slug
            join pgflow.runs as r on r.run_id = t.run_id
           where t.status = 'started'
             -- started (cancel: a paused run's expired task is held, not failed),
             -- written so that no plan looks runs up by status rather than by run_id
             and r.status not in ('completed', 'failed', 'cancelled', 'paused')
             and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                 <= clock_timestamp()
             and t.attempts_count >= coalesce(s.opt_max_attempts, f.opt_max_attempts)) as x;
  if v_exp_r is not null then
    if pgflow._is_distributed() then
      -- Citus locks the rows of one shard per statement: one run at a time, in the same order
      foreach v_r in array array(select distinct e.r from unnest(v_exp_r) as e(r) order by e.r) loop
        perform pgflow._lock_run(v_r);
      end loop;
    else
      perform from pgflow.runs as r where r.run_id = any(v_exp_r) order by r.run_id for no key update;
    end if;
    perform from pgflow._fail_tasks(v_exp_r, v_exp_s, v_exp_i, v_exp_e);
  end if;

  -- Tasks someone else has locked are being completed, failed or started by
  -- them right now: skip them rather than wait. Waiting could deadlock with a
  -- completion that holds the task and waits for the message this caller read.
  -- Once round: tasks whose input cannot be built fail the statement; they are
  -- found and failed (below), taken out of the keys, and the rest go round
  -- again.
  loop
    begin
      if pgflow._is_distributed() then
        -- Citus takes FOR UPDATE only in a statement on one shard: the same
        -- statement once per run, the run named on each distributed table.
        v_tasks := null;
        foreach v_r in array array(select distinct k.r from unnest(v_runs) as k(r) order by k.r) loop
          with candidates as (
            select t.run_id, t.step_slug, t.task_index, least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) as timeout,
                   s.step_type, s.deps_count, r.input as run_input
              from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
              join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
                                         and t.run_id = v_r
              join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
              join pgflow.flows as f on f.flow_slug = t.flow_slug
              join pgflow.runs as r on r.run_id = t.run_id and r.run_id = v_r
             where r.status not in ('completed', 'failed', 'cancelled', 'paused') -- started, as above
               and (t.status = 'queued'
                    or (t.status = 'started'
                        and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                            <= clock_timestamp()
                        and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)))
               for update of t skip locked
          ), started as (
            update pgflow.step_tasks as t
               set status = 'started',
                   attempts_count = t.attempts_count + 1,
                   started_at = now(),
                   last_worker_id = start_tasks.worker_id
              from candidates as c
             where t.run_id = c.run_id and t.step_slug = c.step_slug and t.task_index = c.task_index
               and t.run_id = v_r
            returning t.run_id, t.step_slug, t.task_index, t.message_id, t.attempts_count,
                      c.timeout, c.step_type, c.deps_count, c.run_input
          ), arrays as materialized (
            -- each map step's array, read once per call (see below)
            select g.run_id, g.step_slug,
                   case when jsonb_typeof(g.arr) in ('array', 'object') then g.arr - '{}'::text[] else g.arr end as arr
              from (select m.run_id, m.step_slug,
                           case when m.deps_count = 0 then m.run_input
                                else (select dep.output
                                        from pgflow.deps as d
                                        join pgflow.step_states as dep on dep.run_id = m.run_id and dep.step_slug = d.dep_slug
                                                                           and dep.run_id = v_r
                                       where d.flow_slug = start_tasks.flow_slug and d.step_slug = m.step_slug)
                           end as arr
                      from (select distinct on (st.run_id, st.step_slug) st.run_id, st.step_slug, st.deps_count, st.run_input
                              from started as st
                             where st.step_type = 'map'
                             order by st.run_id, st.step_slug) as m) as g
          )
          select array_agg(row(
                   start_tasks.flow_slug, st.run_id, st.step_slug,
                   -- the task input; the same expression builds it one task at a time below
                   case
                     when st.step_type = 'map' then
                       (select a.arr -> st.task_index from arrays as a where a.run_id = st.run_id and a.step_slug = st.step_slug)
                     else jsonb_build_object('run', st.run_input)
                          || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                                         from pgflow.deps as d
                                         join pgflow.step_states as dep on dep.run_id = st.run_id and dep.step_slug = d.dep_slug
                                                                         and dep.run_id = v_r
                                        where d.flow_slug = start_tasks.flow_slug and d.step_slug = st.step_slug
                                          and dep.status = 'completed'),
                                      '{}'::jsonb)
                   end,
                   st.message_id, st.task_index, st.attempts_count, st.timeout)::pgflow.step_task_record
                 order by st.message_id)
            into v_part
            from started as st;
          v_tasks := v_tasks || v_part;
        end loop;
        v_tasks := array(select x from unnest(v_tasks) as x order by x.msg_id);
      else
        with candidates as (
          select t.run_id, t.step_slug, t.task_index, least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) as timeout,
                 s.step_type, s.deps_count, r.input as run_input
            from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
            join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
            join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
            join pgflow.flows as f on f.flow_slug = t.flow_slug
            join pgflow.runs as r on r.run_id = t.run_id
           where r.status not in ('completed', 'failed', 'cancelled', 'paused') -- started, as above
             and (t.status = 'queued'
                  or (t.status = 'started'
                      and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                          <= clock_timestamp()
                      and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)))
             for update of t skip locked
        ), started as (
          update pgflow.step_tasks as t
             set status = 'started',
                 attempts_count = t.attempts_count + 1,
                 started_at = now(),
                 last_worker_id = start_tasks.worker_id
            from candidates as c
           where t.run_id = c.run_id and t.step_slug = c.step_slug and t.task_index = c.task_index
          returning t.run_id, t.step_slug, t.task_index, t.message_id, t.attempts_count,
                    c.timeout, c.step_type, c.deps_count, c.run_input
        ), arrays as materialized (
          -- The array each map step of the batch maps over (its run's input, or
          -- its dependency's output), read once per call: a large array is
          -- stored compressed, and each "-> task_index" on the stored value
          -- decompressed all of it again, so that a map's tasks cost in
          -- proportion to its length (a map over 100 000 elements took 78 s).
          -- "- '{}'::text[]" deletes nothing and returns the array as read, in
          -- memory, where the lookups below find their element directly.
          select g.run_id, g.step_slug,
                 case when jsonb_typeof(g.arr) in ('array', 'object') then g.arr - '{}'::text[] else g.arr end as arr
            from (select m.run_id, m.step_slug,
                         case when m.deps_count = 0 then m.run_input
                              else (select dep.output
                                      from pgflow.deps as d
                                      join pgflow.step_states as dep on dep.run_id = m.run_id and dep.step_slug = d.dep_slug
                                     where d.flow_slug = start_tasks.flow_slug and d.step_slug = m.step_slug)
                         end as arr
                    from (select distinct on (st.run_id, st.step_slug) st.run_id, st.step_slug, st.deps_count, st.run_input
                            from started as st
                           where st.step_type = 'map'
                           order by st.run_id, st.step_slug) as m) as g
        )
        select array_agg(row(
                 start_tasks.flow_slug, st.run_id, st.step_slug,
                 -- the task input; the same expression builds it one task at a time below
                 case
                   when st.step_type = 'map' then
                     (select a.arr -> st.task_index from arrays as a where a.run_id = st.run_id and a.step_slug = st.step_slug)
                   else jsonb_build_object('run', st.run_input)
                        || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                                       from pgflow.deps as d
                                       join pgflow.step_states as dep on dep.run_id = st.run_id and dep.step_slug = d.dep_slug
                                      where d.flow_slug = start_tasks.flow_slug and d.step_slug = st.step_slug
                                        and dep.status = 'completed'),
                                    '{}'::jsonb)
                 end,
                 st.message_id, st.task_index, st.attempts_count, st.timeout)::pgflow.step_task_record
               order by st.message_id)
          into v_tasks
          from started as st;
      end if;
      exit;
    exception when program_limit_exceeded or out_of_memory then
      -- Everything the statement did is undone. A second failure is not a
      -- task's input (those were taken out): let it through.
      if v_retried then
        raise;
      end if;
      v_retried := true;
    end;

    -- Which startable tasks cannot have an input: each built on its own,
    -- nothing locked yet (a task's input never changes once it is queued).
    for v_key in
      select t.run_id, t.step_slug, t.task_index, s.step_type, s.deps_count, r.input as run_input
        from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
        join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
        join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
        join pgflow.flows as f on f.flow_slug = t.flow_slug
        join pgflow.runs as r on r.run_id = t.run_id
       where r.status not in ('completed', 'failed', 'cancelled', 'paused') -- started, as above
         and (t.status = 'queued'
              or (t.status = 'started'
                  and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                      <= clock_timestamp()
                  and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)))
       order by t.run_id, t.step_slug, t.task_index
    loop
      begin
        perform case
          when v_key.step_type = 'map' and v_key.deps_count = 0 then v_key.run_input -> v_key.task_index
          when v_key.step_type = 'map' then
            (select dep.output -> v_key.task_index
               from pgflow.deps as d
               join pgflow.step_states as dep on dep.run_id = v_key.run_id and dep.step_slug = d.dep_slug
              where d.flow_slug = start_tasks.flow_slug and d.step_slug = v_key.step_slug)
          else jsonb_build_object('run', v_key.run_input)
               || coalesce((select jsonb_object_agg(d.dep_slug, dep.output)
                              from pgflow.deps as d
                              join pgflow.step_states as dep on dep.run_id = v_key.run_id and dep.step_slug = d.dep_slug
                             where d.flow_slug = start_tasks.flow_slug and d.step_slug = v_key.step_slug
                               and dep.status = 'completed'),
                           '{}'::jsonb)
        end;
      exception when program_limit_exceeded or out_of_memory then
        v_bad_r := v_bad_r || v_key.run_id;
        v_bad_s := v_bad_s || v_key.step_slug;
        v_bad_i := v_bad_i || v_key.task_index;
        v_bad_e := v_bad_e || format('the task''s input could not be built: %s', sqlerrm);
      end;
    end loop;

    -- Fail them as any attempt fails (_fail_tasks), runs locked first and in
    -- run_id order (as complete_tasks); no other task is locked yet. A task
    -- someone else started meanwhile is theirs, and left alone.
    for v_bad in
      select b.r, b.s, b.i, b.e from unnest(v_bad_r, v_bad_s, v_bad_i, v_bad_e) as b(r, s, i, e) order by b.r, b.s, b.i
    loop
      perform pgflow._lock_run(v_bad.r);
      update pgflow.step_tasks as t
         set status = 'started',
             attempts_count = t.attempts_count + 1,
             started_at = now(),
             last_worker_id = start_tasks.worker_id
        from pgflow.steps as s, pgflow.flows as f, pgflow.runs as r
       where t.run_id = v_bad.r and t.step_slug = v_bad.s and t.task_index = v_bad.i
         and s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
         and f.flow_slug = t.flow_slug
         and r.run_id = t.run_id and r.status = 'started'
         and (t.status = 'queued'
              or (t.status = 'started'
                  and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                      <= clock_timestamp()
                  and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)));
      if found then
        perform from pgflow._fail_tasks(array[v_bad.r], array[v_bad.s], array[v_bad.i], array[v_bad.e]);
      end if;
    end loop;

    -- The rest go round again without them.
    select array_agg(k.r), array_agg(k.s), array_agg(k.i)
      into v_runs, v_steps, v_indexes
      from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
     where (k.r, k.s, k.i) not in (select b.r, b.s, b.i from unnest(v_bad_r, v_bad_s, v_bad_i) as b(r, s, i));
  end loop;

  -- The lease: invisible for the step's timeout + 2 s, one call per distinct timeout.
  for v_timeout, v_ids in
    select t.timeout, array_agg(t.msg_id) from unnest(v_tasks) as t group by t.timeout
  loop
    perform pgmq.set_vt(start_tasks.flow_slug, v_ids, v_timeout + 2);
  end loop;

  -- Messages that started no task (the common case is none: nothing to do).
  if coalesce(cardinality(v_tasks), 0) < cardinality(start_tasks.msg_ids) then
    -- cancel: archive the messages of cancelled tasks; hold those of paused runs.
    v_ids := array(select t.message_id
                     from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
                     join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
                    where t.status = 'cancelled');
    if cardinality(v_ids) > 0 then
      perform pgmq.archive(start_tasks.flow_slug, v_ids);
    end if;
    v_ids := array(select t.message_id
                     from unnest(v_runs, v_steps, v_indexes) as k(r, s, i)
                     join pgflow.step_tasks as t on t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
                     join pgflow.runs as r on r.run_id = t.run_id
                    where t.status in ('queued', 'started')
                      and r.status not in ('started', 'completed', 'failed', 'cancelled') -- paused, as above
                      and not t.message_id = any(array(select s.msg_id from unnest(v_tasks) as s)));
    if cardinality(v_ids) > 0 then
      execute format('update pgmq.%I as q set vt = ''infinity'' where q.msg_id = any($1)',
                     'q_' || lower(start_tasks.flow_slug))
        using v_ids;
    end if;

    -- Messages of no task at all.
    v_unknown := array(select m from unnest(start_tasks.msg_ids) as m
                        where m is not null and m <> all(coalesce(v_found, '{}')));
    if cardinality(v_unknown) > 0 then
      perform pgmq.archive(start_tasks.flow_slug, v_unknown);
      raise warning using
        message = format('archived message(s) %s of queue "%s": they belong to no task',
                         array_to_string(v_unknown, ', '), start_tasks.flow_slug),
        hint    = 'Only pgflow sends to a flow''s queue; the archived messages are in pgmq.a_<queue>.';
    end if;
  end if;

  return query select * from unnest(v_tasks);
end;
$$;

comment on function pgflow.start_tasks(text, bigint[], uuid) is
  'starts the tasks of messages a worker read from the flow''s queue and returns their inputs';
