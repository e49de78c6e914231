
-- Internal helpers are not part of the API: nobody but the owner calls them.
revoke all on function pgflow._assert_slug(text, text) from public;
revoke all on function pgflow._assert_option(text, integer, integer) from public;
revoke all on function pgflow._emit_event(text, uuid, text, jsonb) from public;
revoke all on function pgflow._events_wanted() from public;
revoke all on function pgflow._is_trusted_role(oid) from public;
revoke all on function pgflow._realtime_send() from public;
revoke all on function pgflow._fail_run(uuid, text, text) from public;
revoke all on function pgflow._fail_step(uuid, text, text, text) from public;
revoke all on function pgflow._complete_runs_if_done(uuid[]) from public;
revoke all on function pgflow._settle_completed_steps(uuid[], text[], boolean) from public;
revoke all on function pgflow._queue_ready_steps(uuid[], pgflow.step_states[]) from public;
revoke all on function pgflow._apply_conditions(uuid, text) from public;
revoke all on function pgflow._cascade(uuid[], text[], uuid[], text[], pgflow.step_states[]) from public;
revoke all on function pgflow._start_runs(text, jsonb[], uuid[]) from public;
revoke all on function pgflow._assert_task_exists(uuid, text, text, integer) from public;
revoke all on function pgflow._lock_run(uuid) from public;
revoke all on function pgflow._cron_function(text[]) from public;
revoke all on function pgflow._cron_job_table() from public;
revoke all on function pgflow._schedule_job(text, text, text, text) from public;
revoke all on function pgflow._unschedule_job(text) from public;
revoke all on function pgflow._flow_shape(text) from public;
revoke all on function pgflow._shape_hash(jsonb) from public;
revoke all on function pgflow._store_shape_hash(text) from public;
revoke all on function pgflow._normalize_shape(jsonb) from public;
revoke all on function pgflow._shape_text(jsonb) from public;
revoke all on function pgflow._shape_diff(jsonb, jsonb) from public;
revoke all on function pgflow._complete_tasks(uuid[], text[], integer[], jsonb[]) from public;
