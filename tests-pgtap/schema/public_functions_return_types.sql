begin;
select plan(14);

-- What each public function returns.
select function_returns('pgflow', 'is_valid_slug', array['text'], 'boolean', 'is_valid_slug returns boolean');
select function_returns('pgflow', 'calculate_retry_delay', array['numeric', 'integer'], 'integer',
  'calculate_retry_delay returns integer');
select function_returns('pgflow', 'create_flow', array['text', 'integer', 'integer', 'integer'], 'pgflow.flows',
  'create_flow returns pgflow.flows');
select function_returns('pgflow', 'add_step',
  array['text', 'text', 'text[]', 'integer', 'integer', 'integer', 'integer', 'text', 'jsonb', 'jsonb', 'text', 'text'], 'pgflow.steps',
  'add_step (with dependencies) returns pgflow.steps');
select function_returns('pgflow', 'start_flow', array['text', 'jsonb', 'uuid', 'text'], 'setof pgflow.runs',
  'start_flow returns setof pgflow.runs');
select function_returns('pgflow', 'start_flow_with_states', array['text', 'jsonb', 'uuid', 'text'], 'jsonb',
  'start_flow_with_states returns jsonb');
select function_returns('pgflow', 'get_run_with_states', array['uuid'], 'jsonb', 'get_run_with_states returns jsonb');
select function_returns('pgflow', 'start_tasks', array['text', 'bigint[]', 'uuid'], 'setof pgflow.step_task_record',
  'start_tasks returns setof pgflow.step_task_record');
select function_returns('pgflow', 'complete_task', array['uuid', 'text', 'integer', 'jsonb'], 'setof pgflow.step_tasks',
  'complete_task returns setof pgflow.step_tasks');
select function_returns('pgflow', 'fail_task', array['uuid', 'text', 'integer', 'text', 'boolean', 'integer'], 'setof pgflow.step_tasks',
  'fail_task returns setof pgflow.step_tasks');
select function_returns('pgflow', 'set_vt_batch', array['text', 'bigint[]', 'integer[]'], 'setof pgmq.message_record',
  'set_vt_batch returns setof pgmq.message_record');
select function_returns('pgflow', 'register_worker', array['uuid', 'text', 'text'], 'pgflow.workers',
  'register_worker returns pgflow.workers');
select function_returns('pgflow', 'heartbeat_worker', array['uuid'], 'pgflow.workers',
  'heartbeat_worker returns pgflow.workers');
select function_returns('pgflow', 'stop_worker', array['uuid'], 'pgflow.workers', 'stop_worker returns pgflow.workers');

select * from finish();
rollback;
