begin;
select plan(4);

-- Internal helpers (leading _) are not API: PUBLIC cannot execute them. Of
-- the API only the pure helpers are executable by PUBLIC (the grant helpers
-- hand out the rest), and only the functions that must change state for a
-- role without table privileges are security definer.
select cmp_ok((select count(*)::integer from pg_proc where pronamespace = 'pgflow'::regnamespace and proname ~ '^_'),
  '>=', 10, 'there are internal helpers to check');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace and p.proname ~ '^_'
                      and has_function_privilege('public', p.oid, 'execute') $$,
  'no internal function is executable by PUBLIC');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace and p.proname !~ '^_'
                      and has_function_privilege('public', p.oid, 'execute')
                      and p.proname not in ('is_valid_slug', 'calculate_retry_delay') $$,
  'PUBLIC executes no API function but is_valid_slug and calculate_retry_delay');
select set_eq($$ select p.proname::text from pg_proc as p
                  where p.pronamespace = 'pgflow'::regnamespace and p.prosecdef $$,
  array['create_flow', 'add_step', 'start_flow', 'start_flows', 'start_tasks', 'complete_task', 'fail_task', 'set_vt_batch',
        'register_worker', 'heartbeat_worker', 'stop_worker', 'schedule_flow', 'unschedule_flow',
        'requeue_stalled_tasks', 'prune', 'schedule_maintenance', 'check_invariants', 'complete_tasks',
        'cancel_run', 'pause_run', 'resume_run', 'retry_run', 'send_signal', 'subscribe', 'ensure_flow', 'set_flow_options',
        'set_step_options', 'delete_flow_and_data', 'get_flow_shape', 'list_schedules', '_authorize_client', '_readable_flows',
        'metrics_queues'],
  'exactly the state-changing functions, and the two that read pgflow.grants for clients, are security definer');

select * from finish();
rollback;
