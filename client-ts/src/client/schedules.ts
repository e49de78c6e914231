// Schedules: runs of a flow started by pg_cron (pgflow.schedule_flow,
// unschedule_flow, list_schedules). The SQL functions find pg_cron wherever it
// runs: in this database, or in the one cron.database_name names, through
// dblink (docs/schedules.md). The CLI's `schedules` command lists through
// listSchedules too.
import type { Sql } from 'postgres';
import type { AnyFlow, FlowInput } from '../dsl/flow.js';
import { FlowInputError, validateWithSchema } from '../dsl/schema.js';
import { checkFlowShapeOnce } from './shape.js';

/** One of pgflow's pg_cron jobs (a row of pgflow.list_schedules()). */
export interface Schedule {
  /** The name given to scheduleFlow (pg_cron's own name is `<name>@<database>` when pg_cron runs in another database). */
  name: string;
  /** The flow the job starts; null for pgflow's maintenance jobs. */
  flowSlug: string | null;
  /** pg_cron's job id. */
  jobId: string;
  /** The cron schedule; null (with command and active) when pg_cron no longer has the job or cannot be reached from this database. */
  schedule: string | null;
  command: string | null;
  active: boolean | null;
  createdAt: Date;
}

/**
 * Schedules runs of a flow with pg_cron (pgflow.schedule_flow): a run with
 * `input` on every tick of `cron`, started in this database as pgflow's owner.
 * The same name replaces the job pgflow made under it; a job of that name
 * pgflow did not make is left alone (rejects with 42710). The input is typed
 * by the flow and validated by its inputSchema (FlowInputError), and the
 * flow's shape is checked against the database once per client
 * (FlowShapeError), before anything is scheduled. Resolves with pg_cron's job
 * id. Where pg_cron cannot be reached the error (0A000) says what to do.
 *
 * @example
 * await scheduleFlow(sql, nightly, 'nightly_report', '0 3 * * *', { full: true })
 */
export async function scheduleFlow<F extends AnyFlow>(
  sql: Sql,
  flow: F,
  name: string,
  cron: string,
  input: FlowInput<F>,
): Promise<string> {
  let value: unknown = input;
  if (flow.inputSchema !== undefined) {
    const result = await validateWithSchema(flow.inputSchema, input);
    if (!result.ok) throw new FlowInputError(flow.slug, result.issues);
    value = result.value;
  }
  await checkFlowShapeOnce(sql, flow);
  const [row] = await sql<{ jobid: string }[]>`
    select pgflow.schedule_flow(${name}, ${cron}, ${flow.slug}, ${JSON.stringify(value === undefined ? {} : value)}::text::jsonb)::text as jobid`;
  return row!.jobid;
}

/**
 * Removes a job that scheduleFlow (or pgflow.schedule_maintenance) made
 * (pgflow.unschedule_flow). Any other name rejects with 42704, even where
 * pg_cron has a job of that name: pgflow removes only its own jobs.
 *
 * @example
 * await unscheduleFlow(sql, 'nightly_report')
 */
export async function unscheduleFlow(sql: Sql, name: string): Promise<void> {
  await sql`select pgflow.unschedule_flow(${name})`;
}

/**
 * pgflow's pg_cron jobs, by name, with what pg_cron holds of each
 * (pgflow.list_schedules).
 *
 * @example
 * for (const s of await listSchedules(sql)) console.log(s.name, s.schedule, s.flowSlug)
 */
export async function listSchedules(sql: Sql): Promise<Schedule[]> {
  const rows = await sql<{ job_name: string; flow_slug: string | null; jobid: string; schedule: string | null;
                           command: string | null; active: boolean | null; created_at: Date }[]>`
    select s.job_name, s.flow_slug, s.jobid::text as jobid, s.schedule, s.command, s.active, s.created_at
      from pgflow.list_schedules() as s`;
  return rows.map((r) => ({
    name: r.job_name,
    flowSlug: r.flow_slug,
    jobId: r.jobid,
    schedule: r.schedule,
    command: r.command,
    active: r.active,
    createdAt: r.created_at,
  }));
}
