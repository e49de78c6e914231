// Every SQL call the worker makes, behind one interface: the other worker
// modules take a WorkerDb, so their unit tests pass a fake one.
import type { Sql } from 'postgres';
import { isTransient } from '../pg-errors.js';
import { errorMessage, type WorkerLogger } from './log.js';

/** A row of pgflow.start_tasks. */
export interface TaskRecord {
  flow_slug: string;
  run_id: string;
  step_slug: string;
  input: unknown;
  msg_id: string;
  task_index: number;
  attempts_count: number;
  timeout: number;
}

/** What names a task; complete_tasks returns it for each result it recorded. */
export type TaskKey = Pick<TaskRecord, 'run_id' | 'step_slug' | 'task_index'>;

export interface WorkerDb {
  /** pgflow.register_worker; also revives a row marked stopped or deleted. */
  registerWorker(workerId: string, flowSlug: string, functionName: string): Promise<void>;
  stopWorker(workerId: string): Promise<void>;
  /** pgflow.heartbeat_worker: the row's stopped_at. Rejects with 42704 when the row is gone. */
  heartbeat(workerId: string): Promise<Date | null>;
  /** pgmq.read: the ids of up to `limit` messages, hidden for `visibility` seconds. */
  readMessages(flowSlug: string, visibility: number, limit: number): Promise<string[]>;
  /** pgflow.start_tasks: the tasks of those messages that this worker now holds. */
  startTasks(flowSlug: string, msgIds: readonly string[], workerId: string): Promise<TaskRecord[]>;
  /** pgmq.set_vt(..., 0): the messages may be read again at once. */
  showMessages(flowSlug: string, msgIds: readonly string[]): Promise<void>;
  /** pgflow.complete_tasks on a JSON array of {run_id, step_slug, task_index, output}: the tasks it recorded. */
  completeTasks(resultsJson: string): Promise<TaskKey[]>;
  /** pgflow.fail_task: the task's new status ('queued' again, or 'failed' with its run), or undefined when nothing was recorded. */
  failTask(task: TaskKey, message: string): Promise<string | undefined>;
}

const bigintArray = (ids: readonly string[]) => '{' + ids.join(',') + '}';

export function sqlWorkerDb(sql: Sql): WorkerDb {
  return {
    async registerWorker(workerId, flowSlug, functionName) {
      await sql`select 1 from pgflow.register_worker(${workerId}::uuid, ${flowSlug}, ${functionName})`;
    },
    async stopWorker(workerId) {
      await sql`select 1 from pgflow.stop_worker(${workerId}::uuid)`;
    },
    async heartbeat(workerId) {
      const [row] = await sql<{ stopped_at: Date | null }[]>`select stopped_at from pgflow.heartbeat_worker(${workerId}::uuid)`;
      return row?.stopped_at ?? null;
    },
    async readMessages(flowSlug, visibility, limit) {
      const rows = await sql<{ msg_id: string }[]>`
        select msg_id from pgmq.read(${flowSlug}, ${visibility}::integer, ${limit}::integer)`;
      return rows.map((m) => m.msg_id);
    },
    async startTasks(flowSlug, msgIds, workerId) {
      return sql<TaskRecord[]>`
        select * from pgflow.start_tasks(${flowSlug}, ${bigintArray(msgIds)}::bigint[], ${workerId}::uuid)`;
    },
    async showMessages(flowSlug, msgIds) {
      await sql`select from pgmq.set_vt(${flowSlug}, ${bigintArray(msgIds)}::bigint[], 0)`;
    },
    async completeTasks(resultsJson) {
      return sql<TaskKey[]>`
        select run_id, step_slug, task_index from pgflow.complete_tasks(${resultsJson}::text::jsonb)`;
    },
    async failTask(task, message) {
      const [row] = await sql<{ status: string }[]>`
        select status from pgflow.fail_task(${task.run_id}::uuid, ${task.step_slug}, ${task.task_index}::integer, ${message})`;
      return row?.status;
    },
  };
}

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
const realClock: RetryClock = { now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * Runs a report (complete_tasks, fail_task), again while its error is
 * transient, as through a database restart, for up to a minute: a result
 * lost here means the task runs again once its lease runs out. Resolves to
 * undefined when it gives up; the error is logged, never thrown.
 */
export async function retryTransient<T>(
  what: string,
  call: () => Promise<T>,
  fields: Record<string, unknown>,
  log: WorkerLogger,
  clock: RetryClock = realClock,
): Promise<T | undefined> {
  const giveUpAt = clock.now() + 60_000;
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await call();
    } catch (err) {
      if (!isTransient(err) || clock.now() + delay > giveUpAt) {
        log('error', `${what} failed: ${errorMessage(err)}`, { ...fields, error: err });
        return undefined;
      }
      log('warn', `${what} failed, trying again in ${delay} ms: ${errorMessage(err)}`, fields);
      await clock.sleep(delay);
    }
  }
}
