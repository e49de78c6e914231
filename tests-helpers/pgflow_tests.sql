-- Helpers for the pgTAP suite, loaded into each test database by
-- tests-helpers/pgtap.sh prepare, and by the load and fault tests
-- (never part of the extension). They play the worker's part in SQL and check
-- the engine's invariants.
create schema if not exists pgflow_tests;

-- worker_for( flow_slug ): the suite's worker for a flow, registered, its id.
create or replace function pgflow_tests.worker_for(flow_slug text)
returns uuid
language sql
as $$
  select (pgflow.register_worker(
            ('00000000-0000-4000-8000-' || lpad(to_hex(abs(hashtext(flow_slug))), 12, '0'))::uuid,
            flow_slug, 'pgtap')).worker_id;
$$;

-- read_and_start( flow_slug, qty ): what a worker does before running handlers:
-- read visible messages of the flow's queue and start their tasks.
create or replace function pgflow_tests.read_and_start(flow_slug text, qty integer default 100)
returns setof pgflow.step_task_record
language sql
as $$
  select * from pgflow.start_tasks(
    flow_slug,
    array(select m.msg_id from pgmq.read(flow_slug, 30, qty) as m),
    pgflow_tests.worker_for(flow_slug));
$$;

-- make_visible( flow_slug ): every message of the flow's queue visible now
-- (skips retry backoff and start delays without waiting).
create or replace function pgflow_tests.make_visible(flow_slug text)
returns void
language plpgsql
as $$
begin
  execute format('update pgmq.%I set vt = clock_timestamp() - interval ''1 second''', 'q_' || lower(flow_slug));
end;
$$;

-- expire_lease( run_id, step_slug, task_index ): the worker of a started task
-- died: its lease ran out and its message is visible again.
create or replace function pgflow_tests.expire_lease(run_id uuid, step_slug text, task_index integer default 0)
returns void
language plpgsql
as $$
declare
  v_flow text;
  v_msg  bigint;
begin
  update pgflow.step_tasks as t
     set started_at = ((t.started_at at time zone 'UTC') - interval '1 day') at time zone 'UTC' -- immutable: Citus takes it
   where t.run_id = expire_lease.run_id and t.step_slug = expire_lease.step_slug
     and t.task_index = expire_lease.task_index
  returning t.flow_slug, t.message_id into v_flow, v_msg;
  execute format('update pgmq.%I set vt = clock_timestamp() - interval ''1 second'' where msg_id = $1',
                 'q_' || lower(v_flow)) using v_msg;
end;
$$;

-- drive( flow_slug, outputs ): runs every task of the flow until its queue has
-- nothing visible, completing each with outputs->step_slug (or {} when absent),
-- or, for map steps, with outputs->step_slug->task_index when that is an array.
-- Returns the number of tasks completed.
create or replace function pgflow_tests.drive(flow_slug text, outputs jsonb default '{}')
returns integer
language plpgsql
as $$
declare
  v_task pgflow.step_task_record;
  v_out  jsonb;
  v_n    integer := 0;
  v_any  boolean;
begin
  loop
    v_any := false;
    for v_task in select * from pgflow_tests.read_and_start(drive.flow_slug) loop
      v_any := true;
      v_out := coalesce(
        case when jsonb_typeof(outputs -> v_task.step_slug) = 'array'
             then outputs -> v_task.step_slug -> v_task.task_index
             else outputs -> v_task.step_slug end,
        '{}'::jsonb);
      perform pgflow.complete_task(v_task.run_id, v_task.step_slug, v_task.task_index, v_out);
      v_n := v_n + 1;
    end loop;
    exit when not v_any;
  end loop;
  return v_n;
end;
$$;

-- run_task( run_id, step_slug, output, task_index ): a worker starts that one
-- queued task (its message only) and completes it with output.
create or replace function pgflow_tests.run_task(run_id uuid, step_slug text, output jsonb, task_index integer default 0)
returns void
language plpgsql
as $$
declare
  v_flow text;
  v_msg  bigint;
begin
  select t.flow_slug, t.message_id into strict v_flow, v_msg
    from pgflow.step_tasks as t
   where t.run_id = run_task.run_id and t.step_slug = run_task.step_slug and t.task_index = run_task.task_index;
  perform pgflow.start_tasks(v_flow, array[v_msg], pgflow_tests.worker_for(v_flow));
  perform pgflow.complete_task(run_task.run_id, run_task.step_slug, run_task.task_index, run_task.output);
end;
$$;

-- queue_message_ids( flow_slug ): ids of the messages in the flow's queue.
create or replace function pgflow_tests.queue_message_ids(flow_slug text)
returns bigint[]
language plpgsql
as $$
declare
  v_ids bigint[];
begin
  execute format('select coalesce(array_agg(msg_id order by msg_id), ''{}'') from pgmq.%I', 'q_' || lower(flow_slug))
    into v_ids;
  return v_ids;
end;
$$;

-- held_message_ids( flow_slug ): ids of the messages that start_tasks holds
-- for paused runs (visibility 'infinity').
create or replace function pgflow_tests.held_message_ids(flow_slug text)
returns bigint[]
language plpgsql
as $$
declare
  v_ids bigint[];
begin
  execute format('select coalesce(array_agg(msg_id order by msg_id), ''{}'') from pgmq.%I where vt = ''infinity''',
                 'q_' || lower(flow_slug))
    into v_ids;
  return v_ids;
end;
$$;

-- invariants( run_id ): every invariant of the run that does not hold, one
-- text each ("<invariant>: <detail>"); empty when the run is consistent. The
-- invariants themselves are pgflow.check_invariants().
create or replace function pgflow_tests.invariants(run_id uuid)
returns setof text
language sql
as $$
  select format('%s: %s', i.invariant, i.detail)
    from pgflow.check_invariants(coalesce(invariants.run_id, '00000000-0000-0000-0000-000000000000')) as i;
$$;

-- work( flow_slugs, batch ): a worker in SQL, for load and fault tests. Run it
-- with CALL (not inside a transaction): every start_tasks and every
-- complete_task commits on its own, as with a real worker. Completes each task
-- with outputs for the demo flows below, and records each accepted completion
-- in pgflow_tests.completions in the same transaction (so a task completed
-- twice would show). Returns when none of the flows has a started run left
-- and at least until_runs runs exist.
create table if not exists pgflow_tests.completions (
  run_id     uuid    not null,
  step_slug  text    not null,
  task_index integer not null,
  worker     integer not null,
  at         timestamptz not null default clock_timestamp()
);

create or replace procedure pgflow_tests.work(flow_slugs text[], worker integer, batch integer default 10,
                                             until_runs integer default 0)
language plpgsql
as $$
declare
  v_flow  text;
  v_task  pgflow.step_task_record;
  v_tasks pgflow.step_task_record[];
  v_out   jsonb;
  v_idle  integer := 0;
  v_wids  uuid[];
  v_i     integer;
begin
  -- register once, not on every round
  v_wids := array(select pgflow_tests.worker_for(f) from unnest(flow_slugs) with ordinality as u(f, n) order by n);
  commit;
  loop
    v_tasks := '{}';
    for v_i in 1 .. cardinality(flow_slugs) loop
      v_flow := flow_slugs[v_i];
      v_tasks := v_tasks || array(
        select t from pgflow.start_tasks(v_flow, array(select m.msg_id from pgmq.read(v_flow, 30, batch) as m), v_wids[v_i]) as t);
    end loop;
    commit;
    if cardinality(v_tasks) = 0 then
      exit when not exists (select from pgflow.runs as r where r.flow_slug = any(flow_slugs) and r.status = 'started')
            and (select count(*) from pgflow.runs as r where r.flow_slug = any(flow_slugs)) >= until_runs;
      v_idle := v_idle + 1;
      perform pg_sleep(least(0.01 * v_idle, 0.2));
      continue;
    end if;
    v_idle := 0;
    foreach v_task in array v_tasks loop
      -- outputs: a "seed" step gives an array to map over, map tasks double their element
      v_out := case
        when v_task.step_slug = 'seed' then (select jsonb_agg(i) from generate_series(1, 20) as i)
        when jsonb_typeof(v_task.input) = 'number' then to_jsonb((v_task.input #>> '{}')::integer * 2)
        else jsonb_build_object('step', v_task.step_slug)
      end;
      if exists (select from pgflow.complete_task(v_task.run_id, v_task.step_slug, v_task.task_index, v_out)) then
        insert into pgflow_tests.completions (run_id, step_slug, task_index, worker)
        values (v_task.run_id, v_task.step_slug, v_task.task_index, work.worker);
      end if;
      commit;
    end loop;
  end loop;
end;
$$;

-- as_role( role_name, query ): runs query as role_name (SET ROLE for its
-- duration) and returns the first column of its first row as text (null when
-- it returns none), or 'ERROR <sqlstate>: <message>' when it fails. The
-- privilege tests prove with it what a role can and cannot do while pgTAP's
-- own bookkeeping stays with the test's user.
create or replace function pgflow_tests.as_role(role_name text, query text)
returns text
language plpgsql
as $$
declare
  v_result text;
  v_state  text;
  v_msg    text;
begin
  begin
    perform set_config('role', role_name, true);
    execute query into v_result;
    perform set_config('role', 'none', true);
    return v_result;
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text;
    return format('ERROR %s: %s', v_state, v_msg);
  end;
end;
$$;

-- new_role( kind ): a role for this test only, unique in the cluster (roles
-- are shared by every database, and test runs go side by side), dropped by
-- the test's rollback. Returns its name.
create or replace function pgflow_tests.new_role(kind text)
returns text
language plpgsql
as $$
declare
  v_name text := format('pgflow_test_%s_%s_%s', kind, pg_backend_pid(), txid_current());
begin
  execute format('create role %I nologin', v_name);
  return v_name;
end;
$$;

-- pg_cron runs its jobs only in the database cron.database_name names
-- ('postgres'), so the pg_cron tests work there through a dblink connection
-- named 'cron', where every statement commits. cron_connect() opens it and
-- gives that database pg_cron and pgflow; cron_remote(sql) returns the first
-- column of the first row sql returns there, as text; cron_cleanup(flow_slug)
-- removes there the flow, its runs and queue, and the jobs whose names start
-- with the slug (with pgflow's records of them). (PL/pgSQL, so that these compile where dblink is missing.)
create or replace function pgflow_tests.cron_connect()
returns text
language plpgsql
as $$
begin
  perform dblink_connect('cron', format('dbname=postgres host=127.0.0.1 port=%s user=%s',
                                        current_setting('port'), current_user));
  perform dblink_exec('cron', 'create extension if not exists pg_cron');
  perform dblink_exec('cron', 'create extension if not exists pgflow cascade');
  perform dblink_exec('cron', 'alter extension pgflow update');
  return 'OK';
end;
$$;

-- cron_connect_bare(): the same connection 'cron' with pg_cron only, for the
-- tests that schedule from the test database itself (pg_cron's database
-- needs no pgflow for that).
create or replace function pgflow_tests.cron_connect_bare()
returns text
language plpgsql
as $$
begin
  perform dblink_connect('cron', format('dbname=postgres host=127.0.0.1 port=%s user=%s',
                                        current_setting('port'), current_user));
  perform dblink_exec('cron', 'create extension if not exists pg_cron');
  return 'OK';
end;
$$;

create or replace function pgflow_tests.cron_remote(sql text)
returns text
language plpgsql
as $$
begin
  return (select t.x from dblink('cron', cron_remote.sql) as t(x text) limit 1);
end;
$$;

create or replace function pgflow_tests.cron_cleanup(flow_slug text)
returns text
language plpgsql
as $fn$
begin
  return dblink_exec('cron', format($r$
do $d$
declare
  v_flow text := %L;
begin
  delete from cron.job_run_details as d
   where d.jobid in (select j.jobid from cron.job as j where starts_with(j.jobname, v_flow));
  perform cron.unschedule(j.jobid) from cron.job as j
   where starts_with(j.jobname, v_flow) and j.username = current_user;
  delete from pgflow.schedules as s where starts_with(s.job_name, v_flow) or s.flow_slug = v_flow;
  delete from pgflow.step_tasks as t where t.flow_slug = v_flow;
  delete from pgflow.step_states as ss where ss.flow_slug = v_flow;
  delete from pgflow.runs as r where r.flow_slug = v_flow;
  delete from pgflow.workers as w where w.queue_name = v_flow;
  delete from pgflow.deps as d where d.flow_slug = v_flow;
  delete from pgflow.steps as s where s.flow_slug = v_flow;
  delete from pgflow.flows as f where f.flow_slug = v_flow;
  -- also a queue that a dropped pgflow left behind (create_flow refuses to adopt it)
  if exists (select from pgmq.meta as m where m.queue_name = v_flow) then
    perform pgmq.drop_queue(v_flow);
  end if;
end;
$d$$r$, cron_cleanup.flow_slug));
end;
$fn$;
