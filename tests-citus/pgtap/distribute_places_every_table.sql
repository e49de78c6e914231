begin;
select plan(10);

-- Run by tests-citus/citus-test.sh on a coordinator with two workers, after
-- pgflow.distribute().
select set_eq($$ select logicalrelid::text from pg_dist_partition where partmethod = 'n' and repmodel = 't'
                   and logicalrelid::text like 'pgflow.%' $$,
  array['pgflow.flows', 'pgflow.steps', 'pgflow.deps', 'pgflow.grants', 'pgflow.workers'],
  'the definitions, grants and workers are reference tables');
select set_eq($$ select logicalrelid::text from pg_dist_partition
                  where partmethod = 'h' and column_to_column_name(logicalrelid, partkey) = 'run_id' $$,
  array['pgflow.runs', 'pgflow.step_states', 'pgflow.step_tasks', 'pgflow.signals'],
  'the runtime tables are distributed by run_id');
select is((select count(distinct colocationid)::integer from pg_dist_partition
            where logicalrelid = any (array['pgflow.runs', 'pgflow.step_states', 'pgflow.step_tasks', 'pgflow.signals']::regclass[])),
  1, 'colocated: a run''s rows are on one node');
select is_empty($$ select logicalrelid from pg_dist_partition
                    where logicalrelid in ('pgflow.subscriptions'::regclass, 'pgflow.schedules'::regclass)
                       or logicalrelid::regclass::text like 'pgmq.%' $$,
  'subscriptions, schedules and pgmq stay local on the coordinator');
select is((select i.indisunique from pg_index as i where i.indexrelid = 'pgflow.runs_idempotency_key_idx'::regclass),
  false, 'the idempotency key index is a plain index (a unique one must include run_id)');
select is((select count(*)::integer from pg_policy where polname = 'granted_flows'
            and polrelid = any (array['pgflow.flows', 'pgflow.steps', 'pgflow.deps', 'pgflow.runs', 'pgflow.step_states',
                                      'pgflow.step_tasks', 'pgflow.signals']::regclass[])),
  7, 'row-level security kept on every table it was on');
select is((select count(*)::integer from pgflow.distribute() where changed), 0, 'a second call changes nothing');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace
                      and 'plan_cache_mode=force_generic_plan' = any (p.proconfig) $$,
  'no function forces generic plans (Citus cannot plan them)');

-- what already runs on Citus: workers register again and stop (the flow is
-- inserted as it is: create_flow is not Citus-ready yet, docs/scaling.md)
insert into pgflow.flows as f (flow_slug) values ('citus_reg');
select lives_ok($$ select pgflow.register_worker('11111111-1111-1111-1111-111111111111', 'citus_reg', 'fn');
                   select pgflow.register_worker('11111111-1111-1111-1111-111111111111', 'citus_reg', 'fn2') $$,
  'register_worker registers, and again');
select is((select stopped_at is not null from pgflow.stop_worker('11111111-1111-1111-1111-111111111111')),
  true, 'stop_worker stops it');

select * from finish();
rollback;
