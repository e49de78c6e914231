#!/usr/bin/env bash
# Four SQL workers at once on a distributed pgflow (docs/scaling.md), called by
# citus-test.sh with PGHOST/PGPORT/PGDATABASE set to the coordinator and the
# nodes' log files as arguments. A flow with a map, a condition, a retry (each
# run's "flaky" task fails its first attempt) and cancellation (every fifth
# run cancelled while it runs): RUNS runs (default 40) started, four psql
# workers (one transaction per start_tasks and per completion, as a real
# worker) until no run is started; then every worker ended without an error,
# no node logged a distributed deadlock, every run completed or was cancelled
# with the outputs expected, and check_invariants() is empty.
# Prints what failed and exits non-zero; prints the wall time on success.
set -uo pipefail
RUNS=${RUNS:-40}
q() { psql -X -At -v ON_ERROR_STOP=1 "$@"; }

q -q >/dev/null <<'SQL' || exit 1
set client_min_messages = warning;
drop schema if exists citus_conc cascade;
create schema citus_conc;
select pgflow.delete_flow_and_data('citus_conc') where exists (select from pgflow.flows where flow_slug = 'citus_conc');
select pgflow.create_flow('citus_conc', max_attempts => 3, base_delay => 0, timeout => 60);
select pgflow.add_step('citus_conc', 'seed');
select pgflow.add_step('citus_conc', 'flaky');
select pgflow.add_step('citus_conc', 'double', array['seed'], step_type => 'map');
select pgflow.add_step('citus_conc', 'report', array['double', 'flaky'],
                       run_if => '{"run": {"report": true}}', when_unmet => 'skip');
select pgflow.add_step('citus_conc', 'last', array['report']);

-- a worker: reads, starts, runs each task (flaky fails its first attempt),
-- one transaction per call; returns when no run of the flow is started
create procedure citus_conc.work(worker integer)
language plpgsql
as $$
declare
  v_wid  uuid := ('00000000-0000-4000-8000-' || lpad(worker::text, 12, '0'))::uuid;
  v_task pgflow.step_task_record;
  v_tasks pgflow.step_task_record[];
  v_idle integer := 0;
begin
  perform pgflow.register_worker(v_wid, 'citus_conc', 'sql-worker-' || worker);
  commit;
  loop
    v_tasks := array(select t from pgflow.start_tasks('citus_conc',
                       array(select m.msg_id from pgmq.read('citus_conc', 30, 5) as m), v_wid) as t);
    commit;
    if cardinality(v_tasks) = 0 then
      exit when not exists (select 1 from pgflow.runs as r where r.flow_slug = 'citus_conc' and r.status = 'started');
      v_idle := v_idle + 1;
      exit when v_idle > 3000;  -- 60 s or more without work: give up (the checks report it)
      perform pg_sleep(0.02);
      continue;
    end if;
    v_idle := 0;
    foreach v_task in array v_tasks loop
      if v_task.step_slug = 'flaky' and v_task.attempts_count = 1 then
        perform pgflow.fail_task(v_task.run_id, v_task.step_slug, v_task.task_index, 'first attempt fails');
      else
        perform pgflow.complete_task(v_task.run_id, v_task.step_slug, v_task.task_index,
          case v_task.step_slug
            when 'seed' then '[1, 2, 3]'::jsonb
            when 'double' then to_jsonb((v_task.input #>> '{}')::integer * 2)
            else jsonb_build_object('step', v_task.step_slug) end);
      end if;
      commit;
    end loop;
  end loop;
end;
$$;
SQL

start=$(date +%s.%N)
# the runs: half with a report, every fifth cancelled once its first tasks ran
q -q -o /dev/null -c "select count(*) from pgflow.start_flows('citus_conc',
           (select jsonb_agg(jsonb_build_object('report', i % 2 = 0, 'i', i)) from generate_series(1, $RUNS) as i))" || exit 1
pids=()
for w in 1 2 3 4; do
  psql -X -q -v ON_ERROR_STOP=1 -c "call citus_conc.work($w)" > "${TMPDIR:-/tmp}/citus_conc_$w.$$.log" 2>&1 &
  pids+=($!)
done
sleep 0.5
# the run ids read first: a function called in a statement over runs would run on the shard's node
q -q -c "do \$\$ declare v uuid; begin
           foreach v in array array(select r.run_id from pgflow.runs as r where r.flow_slug = 'citus_conc'
                                      and (r.input ->> 'i')::integer % 5 = 0 and r.status = 'started') loop
             perform pgflow.cancel_run(v);
           end loop; end \$\$" > "${TMPDIR:-/tmp}/citus_conc_cancel.$$.log" 2>&1
cancel_rc=$?
rc=0
for i in 0 1 2 3; do
  if ! wait "${pids[$i]}"; then rc=1; echo "worker $((i + 1)) failed:"; sed 's/^/  /' "${TMPDIR:-/tmp}/citus_conc_$((i + 1)).$$.log" | head -20; fi
done
end=$(date +%s.%N)
if [ $cancel_rc -ne 0 ]; then rc=1; echo "cancel_run failed:"; head -20 "${TMPDIR:-/tmp}/citus_conc_cancel.$$.log"; fi
rm -f "${TMPDIR:-/tmp}"/citus_conc_*.$$.log

for log in "$@"; do
  if grep -qi 'distributed deadlock' "$log"; then rc=1; echo "distributed deadlock in $log:"; grep -i -m5 'distributed deadlock' "$log"; fi
done

bad=$(q -c "select r.run_id || ' ' || r.status || ' ' || coalesce(r.output::text, '')
              from pgflow.runs as r where r.flow_slug = 'citus_conc'
               and not (r.status = 'cancelled'
                        or (r.status = 'completed' and r.output = '{\"last\": {\"step\": \"last\"}}'))" 2>&1)
[ -z "$bad" ] || { rc=1; echo "runs not completed or cancelled as expected:"; echo "$bad" | head -10; }
counts="$(q -c "select count(*) filter (where status = 'completed') || ' completed, ' ||
                       count(*) filter (where status = 'cancelled') || ' cancelled, '
                  from pgflow.runs where flow_slug = 'citus_conc'" 2>&1)$(q -c "select count(*) || ' retried'
                  from pgflow.step_tasks as t where t.flow_slug = 'citus_conc' and t.step_slug = 'flaky'
                   and t.attempts_count = 2" 2>&1)"
inv=$(q -c "select run_id || ' ' || invariant || ': ' || detail from pgflow.check_invariants()" 2>&1)
[ -z "$inv" ] || { rc=1; echo "check_invariants():"; echo "$inv" | head -10; }
echo "$RUNS runs, 4 workers: $counts in $(echo "$end - $start" | bc) s"
exit $rc
