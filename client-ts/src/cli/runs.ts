// `pgflow-ts runs` and `pgflow-ts run <id>`: reading runs. Plain selects on
// pgflow.runs, step_states and step_tasks, which a role given grant_client
// reads too (row-level security shows it its flows' rows).
import type { Sql } from 'postgres';
import { cut, firstLine, formatDuration, formatTime, pad, summarizeJson } from './format.js';

export const RUN_STATUSES = ['started', 'completed', 'failed', 'paused', 'cancelled'] as const;

export interface RunsFilter {
  flow?: string | undefined;
  status?: string | undefined;
  limit: number;
}

interface RunListRow {
  run_id: string;
  flow_slug: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  remaining_steps: number;
}

/** The newest runs, one line each. */
export async function listRuns(sql: Sql, filter: RunsFilter): Promise<string> {
  const rows = await sql<RunListRow[]>`
    select r.run_id, r.flow_slug, r.status, r.started_at, r.remaining_steps,
           coalesce(r.completed_at, r.failed_at, r.cancelled_at) as finished_at
      from pgflow.runs as r
     where (${filter.flow ?? null}::text is null or r.flow_slug = ${filter.flow ?? null}::text)
       and (${filter.status ?? null}::text is null or r.status = ${filter.status ?? null}::text)
     order by r.started_at desc, r.run_id
     limit ${filter.limit}`;
  if (rows.length === 0) {
    return `no ${filter.status ? `${filter.status} ` : ''}runs${filter.flow ? ` of flow "${filter.flow}"` : ''}\n`;
  }
  const table = [['run_id', 'flow', 'status', 'started (UTC)', 'finished (UTC)', 'remaining']].concat(
    rows.map((r) => [
      r.run_id,
      r.flow_slug,
      r.status,
      formatTime(r.started_at),
      formatTime(r.finished_at),
      String(r.remaining_steps),
    ]),
  );
  return pad(table).join('\n') + '\n';
}

interface RunRow {
  run_id: string;
  flow_slug: string;
  status: string;
  input: unknown;
  output: unknown;
  remaining_steps: number;
  total_steps: number;
  started_at: Date;
  finished_at: Date | null;
  paused_at: Date | null;
  cancel_reason: string | null;
  seconds: number;
}

interface StepRow {
  step_slug: string;
  step_type: string;
  status: string;
  skip_reason: string | null;
  started_at: Date | null;
  seconds: number | null;
  tasks: number;
  tasks_done: number;
  attempts: number | null;
  max_attempts: number;
  error: string | null;
}

/** How long an error may be in the step table; the full text is in step_tasks.error_message. */
const ERROR_WIDTH = 100;

/** A run: its status, input and output, and a table of its steps. */
export async function showRun(sql: Sql, runId: string): Promise<string> {
  // get_run_with_states raises 42704 for a run that does not exist (or that
  // the role may not read), with pgflow's own message.
  await sql`select pgflow.get_run_with_states(${runId}::uuid)`;
  const [run] = await sql<RunRow[]>`
    select r.run_id, r.flow_slug, r.status, r.input, r.output, r.remaining_steps,
           r.started_at, r.paused_at, r.cancel_reason,
           coalesce(r.completed_at, r.failed_at, r.cancelled_at) as finished_at,
           extract(epoch from coalesce(r.completed_at, r.failed_at, r.cancelled_at, now()) - r.started_at)::float8 as seconds,
           (select count(*)::int from pgflow.step_states as ss where ss.run_id = r.run_id) as total_steps
      from pgflow.runs as r
     where r.run_id = ${runId}::uuid`;
  if (run === undefined) throw new Error(`run ${runId} vanished while being read`);
  const steps = await sql<StepRow[]>`
    select ss.step_slug, s.step_type, ss.status, ss.skip_reason, ss.started_at,
           extract(epoch from coalesce(ss.completed_at, ss.failed_at, ss.cancelled_at, now()) - ss.started_at)::float8 as seconds,
           coalesce(t.tasks, 0) as tasks, coalesce(t.tasks_done, 0) as tasks_done, t.attempts,
           coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts,
           coalesce(ss.error_message, t.last_error) as error
      from pgflow.step_states as ss
      join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
      join pgflow.flows as f on f.flow_slug = ss.flow_slug
      left join lateral (
        select count(*)::int as tasks,
               (count(*) filter (where st.status = 'completed'))::int as tasks_done,
               max(st.attempts_count)::int as attempts,
               (array_agg(st.error_message order by coalesce(st.failed_at, st.started_at, st.queued_at) desc)
                  filter (where st.error_message is not null))[1] as last_error
          from pgflow.step_tasks as st
         where st.run_id = ss.run_id and st.step_slug = ss.step_slug) as t on true
     where ss.run_id = ${runId}::uuid
     order by s.step_index`;

  const finished = run.finished_at !== null;
  const progress =
    run.status === 'completed' || run.total_steps === 0
      ? ''
      : `, ${run.remaining_steps} of ${run.total_steps} steps remaining`;
  const head: string[][] = [
    ['run', run.run_id],
    ['flow', run.flow_slug],
    ['status', run.status + progress],
    ['started', `${formatTime(run.started_at)} UTC`],
    ...(run.paused_at ? [['paused', `${formatTime(run.paused_at)} UTC`]] : []),
    ['finished', finished ? `${formatTime(run.finished_at)} UTC, took ${formatDuration(run.seconds)}` : `-, running for ${formatDuration(run.seconds)}`],
    ...(run.cancel_reason !== null ? [['reason', run.cancel_reason]] : []),
    ['input', summarizeJson(run.input)],
    ['output', summarizeJson(run.output)],
  ];
  const out = pad(head);
  out.push('', `steps (${steps.length}):`);
  const table = [['step', 'type', 'status', 'tasks', 'attempts', 'started (UTC)', 'took', 'error']].concat(
    steps.map((s) => [
      s.step_slug,
      s.step_type,
      s.status === 'skipped' && s.skip_reason ? `skipped (${s.skip_reason})` : s.status,
      s.tasks === 0 ? '-' : `${s.tasks_done}/${s.tasks}`,
      s.attempts === null || s.attempts === 0 ? '-' : `${s.attempts}/${s.max_attempts}`,
      formatTime(s.started_at),
      s.started_at === null ? '-' : (s.status === 'started' ? 'running ' : '') + formatDuration(s.seconds),
      s.error === null ? '-' : cut(firstLine(s.error), ERROR_WIDTH),
    ]),
  );
  out.push(...pad(table).map((line) => `  ${line}`));
  return out.join('\n') + '\n';
}
