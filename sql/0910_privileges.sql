
-- Least privilege. PUBLIC keeps only the pure helpers (is_valid_slug,
-- calculate_retry_delay; the schema itself is not usable by PUBLIC). Every
-- other function is executable by the owner alone, and the grant helpers
-- (grant_worker, grant_client, grant_admin, revoke_all) hand it out by role.
revoke all on function pgflow.create_flow(text, integer, integer, integer) from public;
revoke all on function pgflow.add_step(text, text, text[], integer, integer, integer, integer, text, jsonb, jsonb, text) from public;
revoke all on function pgflow.add_step(text, text, integer, integer, integer, integer, text, jsonb, jsonb, text) from public;
revoke all on function pgflow.start_flow(text, jsonb, uuid) from public;
revoke all on function pgflow.start_flows(text, jsonb) from public;
revoke all on function pgflow.start_flow_with_states(text, jsonb, uuid) from public;
revoke all on function pgflow.get_run_with_states(uuid) from public;
revoke all on function pgflow.start_tasks(text, bigint[], uuid) from public;
revoke all on function pgflow.complete_task(uuid, text, integer, jsonb) from public;
revoke all on function pgflow.complete_tasks(jsonb) from public;
revoke all on function pgflow.fail_task(uuid, text, integer, text) from public;
revoke all on function pgflow.set_vt_batch(text, bigint[], integer[]) from public;
revoke all on function pgflow.register_worker(uuid, text, text) from public;
revoke all on function pgflow.heartbeat_worker(uuid) from public;
revoke all on function pgflow.stop_worker(uuid) from public;
revoke all on function pgflow.schedule_flow(text, text, text, jsonb) from public;
revoke all on function pgflow.unschedule_flow(text) from public;
revoke all on function pgflow.requeue_stalled_tasks() from public;
revoke all on function pgflow.prune(interval) from public;
revoke all on function pgflow.schedule_maintenance(text, interval) from public;
revoke all on function pgflow.cancel_run(uuid, text) from public;
revoke all on function pgflow.pause_run(uuid) from public;
revoke all on function pgflow.resume_run(uuid) from public;
revoke all on function pgflow.subscribe(text, interval) from public;
revoke all on function pgflow.get_flow_shape(text) from public;
revoke all on function pgflow.ensure_flow(text, jsonb, integer, integer, integer) from public;
revoke all on function pgflow.set_flow_options(text, integer, integer, integer) from public;
revoke all on function pgflow.set_step_options(text, text, integer, integer, integer, integer, text[]) from public;
revoke all on function pgflow.delete_flow_and_data(text) from public;
revoke all on function pgflow.check_invariants(uuid) from public;
revoke all on function pgflow.grant_worker(regrole, text[]) from public;
revoke all on function pgflow.grant_client(regrole, text[]) from public;
revoke all on function pgflow.grant_admin(regrole) from public;
revoke all on function pgflow.revoke_all(regrole) from public;
revoke all on function pgflow.uninstall() from public;
revoke all on function pgflow._authorize_worker(text) from public;
revoke all on function pgflow._check_invariants(uuid) from public;

-- SECURITY DEFINER where a role without table (or pgmq) privileges must change
-- state: the function runs as the owner, with search_path pinned to ''
-- (set on every function). The worker functions check their caller with
-- _authorize_worker. get_run_with_states, start_flow_with_states and
-- get_flow_shape stay invoker functions: their callers read the tables they
-- were granted.
alter function pgflow.create_flow(text, integer, integer, integer) security definer;
alter function pgflow.add_step(text, text, text[], integer, integer, integer, integer, text, jsonb, jsonb, text) security definer;
alter function pgflow.add_step(text, text, integer, integer, integer, integer, text, jsonb, jsonb, text) security definer;
alter function pgflow.start_flow(text, jsonb, uuid) security definer;
alter function pgflow.start_flows(text, jsonb) security definer;
alter function pgflow.start_tasks(text, bigint[], uuid) security definer;
alter function pgflow.complete_task(uuid, text, integer, jsonb) security definer;
alter function pgflow.complete_tasks(jsonb) security definer;
alter function pgflow.fail_task(uuid, text, integer, text) security definer;
alter function pgflow.set_vt_batch(text, bigint[], integer[]) security definer;
alter function pgflow.register_worker(uuid, text, text) security definer;
alter function pgflow.heartbeat_worker(uuid) security definer;
alter function pgflow.stop_worker(uuid) security definer;
alter function pgflow.schedule_flow(text, text, text, jsonb) security definer;
alter function pgflow.unschedule_flow(text) security definer;
alter function pgflow.requeue_stalled_tasks() security definer;
alter function pgflow.prune(interval) security definer;
alter function pgflow.schedule_maintenance(text, interval) security definer;
alter function pgflow.cancel_run(uuid, text) security definer;
alter function pgflow.pause_run(uuid) security definer;
alter function pgflow.resume_run(uuid) security definer;
alter function pgflow.subscribe(text, interval) security definer;
alter function pgflow.ensure_flow(text, jsonb, integer, integer, integer) security definer;
alter function pgflow.set_flow_options(text, integer, integer, integer) security definer;
alter function pgflow.set_step_options(text, text, integer, integer, integer, integer, text[]) security definer;
alter function pgflow.delete_flow_and_data(text) security definer;
alter function pgflow.check_invariants(uuid) security definer;
-- The client check and the row-level security policies read pgflow.grants,
-- which clients may not read (grant_client lets its roles execute both,
-- grant_admin _readable_flows).
alter function pgflow._authorize_client(text, uuid) security definer;
alter function pgflow._readable_flows(regrole) security definer;
