begin;
select plan(14);

-- Argument names are API (callers use named notation), and so are defaults:
-- pg_get_function_arguments shows both.
create temp table args as
select p.oid::regprocedure::text as fn, pg_get_function_arguments(p.oid) as args
  from pg_proc as p
 where p.pronamespace = 'pgflow'::regnamespace and p.proname !~ '^_';

select is((select args from args where fn = 'pgflow.is_valid_slug(text)'), 'slug text', 'is_valid_slug(slug)');
select is((select args from args where fn = 'pgflow.calculate_retry_delay(numeric,integer)'),
  'base_delay numeric, attempts_count integer', 'calculate_retry_delay(base_delay, attempts_count)');
select is((select args from args where fn = 'pgflow.create_flow(text,integer,integer,integer)'),
  'flow_slug text, max_attempts integer DEFAULT 3, base_delay integer DEFAULT 1, timeout integer DEFAULT 60',
  'create_flow(flow_slug, max_attempts = 3, base_delay = 1, timeout = 60)');
select is((select args from args where fn = 'pgflow.add_step(text,text,text[],integer,integer,integer,integer,text,jsonb,jsonb,text,text)'),
  'flow_slug text, step_slug text, deps_slugs text[] DEFAULT ''{}''::text[], max_attempts integer DEFAULT NULL::integer, '
  'base_delay integer DEFAULT NULL::integer, timeout integer DEFAULT NULL::integer, '
  'start_delay integer DEFAULT NULL::integer, step_type text DEFAULT ''single''::text, '
  'run_if jsonb DEFAULT NULL::jsonb, run_unless jsonb DEFAULT NULL::jsonb, when_unmet text DEFAULT ''skip''::text, '
  'when_exhausted text DEFAULT ''fail''::text',
  'add_step(flow_slug, step_slug, deps_slugs = {}, max_attempts, base_delay, timeout, start_delay, step_type = single, '
  'run_if, run_unless, when_unmet = skip, when_exhausted = fail)');
select is((select args from args where fn = 'pgflow.start_flow(text,jsonb,uuid,text)'),
  'flow_slug text, input jsonb, run_id uuid DEFAULT NULL::uuid, idempotency_key text DEFAULT NULL::text',
  'start_flow(flow_slug, input, run_id = null, idempotency_key = null)');
select is((select args from args where fn = 'pgflow.start_flow_with_states(text,jsonb,uuid,text)'),
  'flow_slug text, input jsonb, run_id uuid DEFAULT NULL::uuid, idempotency_key text DEFAULT NULL::text',
  'start_flow_with_states(flow_slug, input, run_id = null, idempotency_key = null)');
select is((select args from args where fn = 'pgflow.get_run_with_states(uuid)'), 'run_id uuid', 'get_run_with_states(run_id)');
select is((select args from args where fn = 'pgflow.start_tasks(text,bigint[],uuid)'),
  'flow_slug text, msg_ids bigint[], worker_id uuid', 'start_tasks(flow_slug, msg_ids, worker_id)');
select is((select args from args where fn = 'pgflow.complete_task(uuid,text,integer,jsonb)'),
  'run_id uuid, step_slug text, task_index integer, output jsonb', 'complete_task(run_id, step_slug, task_index, output)');
select is((select args from args where fn = 'pgflow.fail_task(uuid,text,integer,text,boolean,integer)'),
  'run_id uuid, step_slug text, task_index integer, error_message text, retryable boolean DEFAULT true, retry_after integer DEFAULT NULL::integer',
  'fail_task(run_id, step_slug, task_index, error_message, retryable = true, retry_after = null)');
select is((select args from args where fn = 'pgflow.set_vt_batch(text,bigint[],integer[])'),
  'queue_name text, msg_ids bigint[], vt_offsets integer[]', 'set_vt_batch(queue_name, msg_ids, vt_offsets)');
select is((select args from args where fn = 'pgflow.register_worker(uuid,text,text)'),
  'worker_id uuid, queue_name text, function_name text', 'register_worker(worker_id, queue_name, function_name)');
select is((select args from args where fn = 'pgflow.heartbeat_worker(uuid)'), 'worker_id uuid', 'heartbeat_worker(worker_id)');
select is((select args from args where fn = 'pgflow.stop_worker(uuid)'), 'worker_id uuid', 'stop_worker(worker_id)');

select * from finish();
rollback;
