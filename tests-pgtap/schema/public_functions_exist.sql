begin;
select plan(43);

-- Every public function of the API, with its exact argument types.
select has_function('pgflow', 'is_valid_slug', array['text'], 'is_valid_slug(text)');
select has_function('pgflow', 'calculate_retry_delay', array['numeric', 'integer'], 'calculate_retry_delay(numeric, integer)');
select has_function('pgflow', 'create_flow', array['text', 'integer', 'integer', 'integer'],
  'create_flow(text, integer, integer, integer)');
select has_function('pgflow', 'add_step',
  array['text', 'text', 'text[]', 'integer', 'integer', 'integer', 'integer', 'text', 'jsonb', 'jsonb', 'text', 'text'],
  'add_step(text, text, text[], integer, integer, integer, integer, text, jsonb, jsonb, text, text)');
select has_function('pgflow', 'start_flow', array['text', 'jsonb', 'uuid', 'text'], 'start_flow(text, jsonb, uuid, text)');
select has_function('pgflow', 'start_flows', array['text', 'jsonb', 'text[]'], 'start_flows(text, jsonb, text[])');
select has_function('pgflow', 'start_flow_with_states', array['text', 'jsonb', 'uuid', 'text'], 'start_flow_with_states(text, jsonb, uuid, text)');
select has_function('pgflow', 'get_run_with_states', array['uuid'], 'get_run_with_states(uuid)');
select has_function('pgflow', 'start_tasks', array['text', 'bigint[]', 'uuid'], 'start_tasks(text, bigint[], uuid)');
select has_function('pgflow', 'complete_task', array['uuid', 'text', 'integer', 'jsonb'], 'complete_task(uuid, text, integer, jsonb)');
select has_function('pgflow', 'complete_tasks', array['jsonb'], 'complete_tasks(jsonb)');
select has_function('pgflow', 'fail_task', array['uuid', 'text', 'integer', 'text', 'boolean', 'integer'],
  'fail_task(uuid, text, integer, text, boolean, integer)');
select has_function('pgflow', 'set_vt_batch', array['text', 'bigint[]', 'integer[]'], 'set_vt_batch(text, bigint[], integer[])');
select has_function('pgflow', 'register_worker', array['uuid', 'text', 'text'], 'register_worker(uuid, text, text)');
select has_function('pgflow', 'heartbeat_worker', array['uuid'], 'heartbeat_worker(uuid)');
select has_function('pgflow', 'stop_worker', array['uuid'], 'stop_worker(uuid)');
select has_function('pgflow', 'subscribe', array['text', 'interval'], 'subscribe(text, interval)');
select has_function('pgflow', 'cancel_run', array['uuid', 'text'], 'cancel_run(uuid, text)');
select has_function('pgflow', 'retry_run', array['uuid'], 'retry_run(uuid)');
select has_function('pgflow', 'pause_run', array['uuid'], 'pause_run(uuid)');
select has_function('pgflow', 'resume_run', array['uuid'], 'resume_run(uuid)');
select has_function('pgflow', 'send_signal', array['uuid', 'text', 'jsonb'], 'send_signal(uuid, text, jsonb)');
select has_function('pgflow', 'check_invariants', array['uuid'], 'check_invariants(uuid)');
select has_function('pgflow', 'grant_worker', array['regrole', 'text[]'], 'grant_worker(regrole, text[])');
select has_function('pgflow', 'grant_client', array['regrole', 'text[]'], 'grant_client(regrole, text[])');
select has_function('pgflow', 'grant_admin', array['regrole'], 'grant_admin(regrole)');
select has_function('pgflow', 'revoke_all', array['regrole'], 'revoke_all(regrole)');
select has_function('pgflow', 'uninstall', array[]::text[], 'uninstall()');
select has_function('pgflow', 'get_flow_shape', array['text'], 'get_flow_shape(text)');
select has_function('pgflow', 'ensure_flow', array['text', 'jsonb', 'integer', 'integer', 'integer'],
  'ensure_flow(text, jsonb, integer, integer, integer)');
select has_function('pgflow', 'set_flow_options', array['text', 'integer', 'integer', 'integer'],
  'set_flow_options(text, integer, integer, integer)');
select has_function('pgflow', 'set_step_options',
  array['text', 'text', 'integer', 'integer', 'integer', 'integer', 'text[]', 'text'],
  'set_step_options(text, text, integer, integer, integer, integer, text[], text)');
select has_function('pgflow', 'delete_flow_and_data', array['text'], 'delete_flow_and_data(text)');
select has_function('pgflow', 'list_schedules', array[]::text[], 'list_schedules()');
select has_function('pgflow', 'metrics_runs', array['integer'], 'metrics_runs(integer)');
select has_function('pgflow', 'metrics_tasks', array['integer'], 'metrics_tasks(integer)');
select has_function('pgflow', 'metrics_queues', array[]::text[], 'metrics_queues()');
select has_function('pgflow', 'metrics_throughput', array['integer'], 'metrics_throughput(integer)');
select has_function('pgflow', 'metrics_task_durations', array['integer'], 'metrics_task_durations(integer)');
select has_function('pgflow', 'metrics_stalled_tasks', array[]::text[], 'metrics_stalled_tasks()');
select has_function('pgflow', 'list_failed_runs', array['text', 'timestamp with time zone', 'uuid', 'integer'],
  'list_failed_runs(text, timestamptz, uuid, integer)');
select is((select count(*)::integer from pg_proc where pronamespace = 'pgflow'::regnamespace and proname = 'add_step'),
  1, 'add_step is one function (a second overload made positional calls ambiguous)');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace and p.proname !~ '^_'
                      and p.proname not in ('is_valid_slug', 'calculate_retry_delay', 'create_flow', 'add_step',
                                            'start_flow', 'start_flows', 'start_flow_with_states', 'get_run_with_states',
                                            'start_tasks', 'complete_task', 'complete_tasks', 'fail_task', 'set_vt_batch',
                                            'register_worker', 'heartbeat_worker', 'stop_worker',
                                            'schedule_flow', 'unschedule_flow', 'list_schedules', 'requeue_stalled_tasks',
                                            'prune', 'schedule_maintenance', 'subscribe',
                                            'cancel_run', 'pause_run', 'resume_run', 'retry_run', 'send_signal', 'check_invariants',
                                            'grant_worker', 'grant_client', 'grant_admin', 'revoke_all',
                                            'get_flow_shape', 'ensure_flow', 'set_flow_options',
                                            'set_step_options', 'delete_flow_and_data', 'uninstall', 'distribute',
                                            'start_ready_steps', 'maybe_complete_run', 'cascade_complete_taskless_steps',
                                            'metrics_runs', 'metrics_tasks', 'metrics_queues', 'metrics_throughput',
                                            'metrics_task_durations', 'metrics_stalled_tasks', 'list_failed_runs') $$,
  'no other public function (internal ones start with _)');

select * from finish();
rollback;
