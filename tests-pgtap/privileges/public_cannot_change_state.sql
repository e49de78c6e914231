begin;
select plan(6);

-- A role nobody granted anything: PUBLIC's privileges only. It can check a
-- slug and compute a retry delay, and nothing else of pgflow.
select pgflow_tests.new_role('nobody') as nobody \gset
select pgflow.create_flow('pv_public');
select pgflow.add_step('pv_public', 'a');
select run_id as run from pgflow.start_flow('pv_public', '{}') \gset

select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace
                      and has_function_privilege('public', p.oid, 'execute')
                      and p.proname not in ('is_valid_slug', 'calculate_retry_delay') $$,
  'PUBLIC may execute only is_valid_slug and calculate_retry_delay');
select is_empty($$ select c.oid::regclass from pg_class as c
                    where c.relnamespace = 'pgflow'::regnamespace and c.relkind = 'r'
                      and (has_table_privilege('public', c.oid, 'select') or has_table_privilege('public', c.oid, 'insert')
                           or has_table_privilege('public', c.oid, 'update') or has_table_privilege('public', c.oid, 'delete')) $$,
  'PUBLIC has no privilege on any pgflow table');
select ok(not has_schema_privilege('public', 'pgflow', 'usage'), 'PUBLIC cannot use schema pgflow');
select is(pgflow_tests.as_role(:'nobody', $$ select pgflow.start_flow('pv_public', '{}') $$),
  'ERROR 42501: permission denied for schema pgflow', 'a role without grants cannot start a run');
select is(pgflow_tests.as_role(:'nobody',
            format($$ select pgflow.complete_task(%L, 'a', 0, '{}') $$, :'run')),
  'ERROR 42501: permission denied for schema pgflow', 'nor complete a task');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'run'), 'the run is untouched');

select * from finish();
rollback;
