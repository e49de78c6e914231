// Every SQL call the worker makes, behind one interface: the other worker
// modules take a WorkerDb, so their unit tests pass a fake one.
import type { Sql } from 'postgres';
import { isTransient } from '../pg-errors.js';
import type { FailOptions } from './errors.js';
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
  /**
   * pgmq.read then pgflow.start_tasks in one statement (one round trip): reads
   * up to `limit` messages, hidden for `visibility` seconds, and starts their
   * tasks; resolves to the tasks this worker now holds (none after an empty
   * read). If start_tasks fails, the read is undone with it: the messages stay visible.
   */
  readTasks(flowSlug: string, visibility: number, limit: number, workerId: string): Promise<TaskRecord[]>;
  /**
   * LISTEN on WAKE_CHANNEL (on the client's one listening connection):
   * onNotify gets each payload (a flow slug), onListen is called each time the
   * LISTEN is in place (at first, and again after a reconnect). Resolves to
   * unlisten; rejects when the first LISTEN fails.
   */
  listen(onNotify: (payload: string) => void, onListen: () => void): Promise<() => Promise<void>>;
  /** pg_notify(WAKE_CHANNEL, payload): a probe of whether notifications reach the listener. */
  notify(payload: string): Promise<void>;
  /** pgmq.set_vt(..., 0): the messages may be read again at once. */
  showMessages(flowSlug: string, msgIds: readonly string[]): Promise<void>;
  /**
   * pgflow.complete_tasks on a JSON array of {run_id, step_slug, task_index, output}: the tasks it recorded.
   * With pgflow.wake off: the tasks it queues wake nobody, the caller reads their queue.
   */
  completeTasks(resultsJson: string): Promise<TaskKey[]>;
  /** pgflow.fail_task: the task's new status ('queued' again, or 'failed' with its run), or undefined when nothing was recorded. */
  failTask(task: TaskKey, message: string, options?: FailOptions): Promise<string | undefined>;
}

/** The channel pgflow._wake_workers notifies, with the flow slug as payload, when a flow's queue has messages to read now. */
export const WAKE_CHANNEL = 'pgflow_tasks';

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
    async readTasks(flowSlug, visibility, limit, workerId) {
      return sql<TaskRecord[]>`
        select * from pgflow.start_tasks(${flowSlug},
          array(select msg_id from pgmq.read(${flowSlug}, ${visibility}::integer, ${limit}::integer)), ${workerId}::uuid)`;
    },
    async listen(onNotify, onListen) {
      const meta = await sql.listen(WAKE_CHANNEL, onNotify, onListen);
      return () => meta.unlisten();
    },
    async notify(payload) {
      await sql`select pg_notify(${WAKE_CHANNEL}, ${payload})`;
    },
    async showMessages(flowSlug, msgIds) {
      await sql`select from pgmq.set_vt(${flowSlug}, ${bigintArray(msgIds)}::bigint[], 0)`;
    },
    async completeTasks(resultsJson) {
      // pgflow.wake off for this statement's transaction only: the worker reads
      // the flow's queue itself once it returns (see WorkerLoops.wake), so the
      // dependents it queues need no notification and its commit no notify lock.
      // complete_tasks's argument depends on set_config, which so runs first.
      return sql<TaskKey[]>`
        with wake as materialized (select set_config('pgflow.wake', 'off', true) as off)
        select t.run_id, t.step_slug, t.task_index
          from wake cross join lateral pgflow.complete_tasks(case when wake.off = 'off' then ${resultsJson}::text::jsonb end) as t`;
    },
    async failTask(task, message, options = {}) {
      const [row] = await sql<{ status: string }[]>`
        select status from pgflow.fail_task(${task.run_id}::uuid, ${task.step_slug}, ${task.task_index}::integer, ${message},
                                            ${options.retryable ?? true}::boolean, ${options.retryAfter ?? null}::integer)`;
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
