// `pgflow-ts start`, `cancel`, `pause`, `resume`, `retry`: one call of pgflow's SQL
// function each. Its errors (42704 unknown flow or run, 55000 wrong state,
// 42501 no grant) pass through to the one-line report in main.ts.
import type { Sql } from 'postgres';

/** pgflow.start_flow: the new run's id. `input` is JSON text, checked by the caller. */
export async function startRun(sql: Sql, flowSlug: string, input: string): Promise<string> {
  const [run] = await sql<{ run_id: string }[]>`
    select run_id from pgflow.start_flow(${flowSlug}::text, ${input}::text::jsonb)`;
  return run!.run_id;
}

export type RunAction = 'cancel' | 'pause' | 'resume' | 'retry';

/** pgflow.cancel_run, pause_run, resume_run or retry_run: the run's status afterwards. */
export async function changeRun(sql: Sql, action: RunAction, runId: string, reason?: string): Promise<string> {
  const rows =
    action === 'cancel'
      ? reason === undefined
        ? await sql<{ status: string }[]>`select status from pgflow.cancel_run(${runId}::uuid)`
        : await sql<{ status: string }[]>`select status from pgflow.cancel_run(${runId}::uuid, ${reason}::text)`
      : action === 'pause'
        ? await sql<{ status: string }[]>`select status from pgflow.pause_run(${runId}::uuid)`
        : action === 'retry'
          ? await sql<{ status: string }[]>`select status from pgflow.retry_run(${runId}::uuid)`
          : await sql<{ status: string }[]>`select status from pgflow.resume_run(${runId}::uuid)`;
  return rows[0]!.status;
}
