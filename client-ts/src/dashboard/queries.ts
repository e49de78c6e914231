// The dashboard's reads and actions: plain SQL over pgflow's tables (read
// through row-level security: the connecting role sees the flows it was
// granted, grant_client or grant_admin) and its metrics functions
// (sql/0810-0816). Every value is a bound parameter; nothing from a request
// becomes SQL text.
import type { Sql } from 'postgres';

export const RUN_STATUSES = ['started', 'paused', 'completed', 'failed', 'cancelled'] as const;
export const RUN_ACTIONS = ['cancel', 'pause', 'resume', 'retry'] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

/** A run page holds at most this many tasks (a map step may have thousands); counts stay exact. */
export const MAX_TASKS = 500;
/** Outputs and inputs longer than this (as JSON text) are cut. */
export const MAX_JSON = 20_000;

export interface RunFilter {
  flow?: string | undefined;
  status?: string | undefined;
  /** ISO times: runs started at or after `since`, before `until`. */
  since?: string | undefined;
  until?: string | undefined;
  /** Keyset paging: the last row of the previous page. */
  beforeStartedAt?: string | undefined;
  beforeRunId?: string | undefined;
  limit: number;
}

/** Every flow the role may read, with its steps and their dependencies (for the DAG). */
export async function listFlows(sql: Sql) {
  return sql`
    select f.flow_slug, f.created_at,
           coalesce((select json_agg(json_build_object(
                              'step_slug', s.step_slug, 'step_type', s.step_type, 'step_index', s.step_index,
                              'deps', coalesce((select json_agg(d.dep_slug order by d.dep_slug) from pgflow.deps as d
                                                 where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug), '[]'))
                              order by s.step_index)
                       from pgflow.steps as s where s.flow_slug = f.flow_slug), '[]') as steps
      from pgflow.flows as f
     order by f.flow_slug`;
}

/** Runs, newest first, a page at a time (keyset on started_at, run_id). */
export async function listRuns(sql: Sql, f: RunFilter) {
  return sql`
    select r.run_id, r.flow_slug, r.status, r.remaining_steps, r.started_at,
           coalesce(r.completed_at, r.failed_at, r.cancelled_at) as finished_at
      from pgflow.runs as r
     where (${f.flow ?? null}::text is null or r.flow_slug = ${f.flow ?? null}::text)
       and (${f.status ?? null}::text is null or r.status = ${f.status ?? null}::text)
       and (${f.since ?? null}::timestamptz is null or r.started_at >= ${f.since ?? null}::timestamptz)
       and (${f.until ?? null}::timestamptz is null or r.started_at < ${f.until ?? null}::timestamptz)
       and (${f.beforeStartedAt ?? null}::timestamptz is null
            or (r.started_at, r.run_id) < (${f.beforeStartedAt ?? null}::timestamptz,
                                           coalesce(${f.beforeRunId ?? null}::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')))
     order by r.started_at desc, r.run_id desc
     limit ${f.limit}`;
}

/**
 * A run with its steps (get_run_with_states), the flow's DAG, per-step task
 * counts and the first MAX_TASKS tasks; undefined when the role cannot read it.
 */
export async function getRun(sql: Sql, runId: string) {
  const [run] = await sql<{ run: Record<string, unknown> & { flow_slug: string; input: unknown; output: unknown } }[]>`
    select to_jsonb(r) - 'input' - 'output'
           || jsonb_build_object('input', pgflow_cut.input, 'output', pgflow_cut.output) as run
      from pgflow.runs as r,
           lateral (select case when length(r.input::text) > ${MAX_JSON} then to_jsonb(left(r.input::text, ${MAX_JSON}) || '…')
                                else r.input end as input,
                           case when length(r.output::text) > ${MAX_JSON} then to_jsonb(left(r.output::text, ${MAX_JSON}) || '…')
                                else r.output end as output) as pgflow_cut
     where r.run_id = ${runId}::uuid`;
  if (!run) return undefined;
  const [steps, tasks, counts, flow] = await Promise.all([
    sql`select ss.step_slug, ss.status, ss.remaining_tasks, ss.initial_tasks, ss.created_at, ss.started_at,
               ss.completed_at, ss.failed_at, ss.skipped_at, ss.skip_reason, ss.cancelled_at, ss.error_message
          from pgflow.step_states as ss where ss.run_id = ${runId}::uuid`,
    sql`select t.step_slug, t.task_index, t.status, t.attempts_count, t.error_message, t.queued_at, t.started_at,
               t.completed_at, t.failed_at,
               case when length(t.output::text) > ${MAX_JSON} then to_jsonb(left(t.output::text, ${MAX_JSON}) || '…')
                    else t.output end as output
          from pgflow.step_tasks as t where t.run_id = ${runId}::uuid
         order by t.step_slug, t.task_index limit ${MAX_TASKS}`,
    sql`select t.step_slug, t.status, count(*)::int as n
          from pgflow.step_tasks as t where t.run_id = ${runId}::uuid group by 1, 2`,
    sql`select s.step_slug, s.step_type, s.step_index,
               coalesce((select json_agg(d.dep_slug order by d.dep_slug) from pgflow.deps as d
                          where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug), '[]') as deps
          from pgflow.steps as s where s.flow_slug = ${run.run.flow_slug} order by s.step_index`,
  ]);
  return { run: run.run, steps, tasks, task_counts: counts, dag: flow };
}

/** All of the SQL metrics in one object (each a list of rows per flow). */
export async function getMetrics(sql: Sql) {
  const [runs, tasks, queues, throughput, durations, stalled] = await Promise.all([
    sql`select * from pgflow.metrics_runs()`,
    sql`select * from pgflow.metrics_tasks()`,
    sql`select * from pgflow.metrics_queues()`,
    sql`select * from pgflow.metrics_throughput()`,
    sql`select * from pgflow.metrics_task_durations()`,
    sql`select * from pgflow.metrics_stalled_tasks()`,
  ]);
  return { runs, tasks, queues, throughput, durations, stalled };
}
export type Metrics = Awaited<ReturnType<typeof getMetrics>>;

export async function listFailedRuns(
  sql: Sql,
  f: { flow?: string | undefined; beforeFailedAt?: string | undefined; beforeRunId?: string | undefined; limit: number },
) {
  return sql`
    select * from pgflow.list_failed_runs(${f.flow ?? null}::text, ${f.beforeFailedAt ?? null}::timestamptz,
                                          ${f.beforeRunId ?? null}::uuid, ${f.limit}::integer)`;
}

/** Which run actions the role may call: retry only where pgflow.retry_run exists. */
export async function getCapabilities(sql: Sql): Promise<Record<RunAction, boolean>> {
  const rows = await sql<{ proname: RunAction; allowed: boolean }[]>`
    select replace(p.proname, '_run', '') as proname, bool_or(pg_catalog.has_function_privilege(p.oid, 'execute')) as allowed
      from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname in ('cancel_run', 'pause_run', 'resume_run', 'retry_run')
     group by p.proname`;
  const can = { cancel: false, pause: false, resume: false, retry: false };
  for (const r of rows) can[r.proname] = r.allowed;
  return can;
}

/** pgflow.cancel_run, pause_run, resume_run or retry_run on one run. */
export async function runAction(sql: Sql, action: RunAction, runId: string): Promise<void> {
  switch (action) {
    case 'cancel':
      await sql`select from pgflow.cancel_run(${runId}::uuid)`;
      return;
    case 'pause':
      await sql`select from pgflow.pause_run(${runId}::uuid)`;
      return;
    case 'resume':
      await sql`select from pgflow.resume_run(${runId}::uuid)`;
      return;
    case 'retry':
      await sql`select pgflow.retry_run(${runId}::uuid)`;
      return;
  }
}

/** The flow slugs the role may read: the channels the event hub listens on. */
export async function readableFlowSlugs(sql: Sql): Promise<string[]> {
  const rows = await sql<{ flow_slug: string }[]>`select f.flow_slug from pgflow.flows as f order by 1`;
  return rows.map((r) => r.flow_slug);
}
