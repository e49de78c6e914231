// An in-memory WorkerDb for the worker's unit tests: queues of messages per
// flow, each message one task. Tests set `fail` to make a call throw.
import type { TaskKey, TaskRecord, WorkerDb } from '../../src/worker/db.js';
import type { WorkerLogger } from '../../src/worker/log.js';

type Method = keyof WorkerDb;

/** An error shaped as postgres.js shapes them. */
export function pgError(code: string, name = 'PostgresError'): Error {
  return Object.assign(new Error(`${name} ${code}`), { name, code });
}

export class FakeDb implements WorkerDb {
  /** Every call, as "method arg,arg". */
  readonly calls: string[] = [];
  /** Make a method throw: the error, or a function that gets the call's arguments and returns one (or nothing). */
  readonly fail: Partial<Record<Method, unknown | ((...args: unknown[]) => unknown)>> = {};
  readonly workers = new Map<string, { flow: string; stopped: boolean }>();
  readonly completed: Array<TaskKey & { output: unknown }> = [];
  readonly failed: Array<TaskKey & { message: string }> = [];
  readonly #queues = new Map<string, string[]>();
  readonly #tasks = new Map<string, TaskRecord>();
  #nextId = 1;

  /** Queues a task of `step` and returns its message id. */
  enqueue(flow: string, step: string, input: unknown = {}, task: Partial<TaskRecord> = {}): string {
    const msg_id = String(this.#nextId++);
    this.#tasks.set(msg_id, {
      flow_slug: flow,
      run_id: `run-${msg_id}`,
      step_slug: step,
      input,
      msg_id,
      task_index: 0,
      attempts_count: 1,
      timeout: 30,
      ...task,
    });
    this.#queues.set(flow, [...(this.#queues.get(flow) ?? []), msg_id]);
    return msg_id;
  }

  queued(flow: string): string[] {
    return this.#queues.get(flow) ?? [];
  }

  #call(method: Method, ...args: unknown[]): void {
    this.calls.push(`${method} ${args.map((a) => (Array.isArray(a) ? `[${a.join(',')}]` : String(a))).join(',')}`);
    const f = this.fail[method];
    const err = typeof f === 'function' ? (f as (...a: unknown[]) => unknown)(...args) : f;
    if (err !== undefined) throw err;
  }

  async registerWorker(workerId: string, flowSlug: string, functionName: string) {
    this.#call('registerWorker', workerId, flowSlug, functionName);
    this.workers.set(workerId, { flow: flowSlug, stopped: false });
  }
  async stopWorker(workerId: string) {
    this.#call('stopWorker', workerId);
    const row = this.workers.get(workerId);
    if (row) row.stopped = true;
  }
  async heartbeat(workerId: string) {
    this.#call('heartbeat', workerId);
    const row = this.workers.get(workerId);
    if (!row) throw pgError('42704');
    return row.stopped ? new Date() : null;
  }
  /** Runs before readTasks takes its messages (a test's hook: e.g. a notification during the read). */
  onRead: ((flowSlug: string) => void) | undefined;

  async readTasks(flowSlug: string, visibility: number, limit: number, workerId: string) {
    // A failure leaves the messages in the queue, as the rolled-back statement does.
    this.#call('readTasks', flowSlug, visibility, limit, workerId);
    this.onRead?.(flowSlug);
    const queue = this.queued(flowSlug);
    this.#queues.set(flowSlug, queue.slice(limit));
    return queue.slice(0, limit).map((id) => this.#tasks.get(id)!);
  }

  /** Whether a notification sent by notify() reaches the listeners (false: a pooler that swallows them). */
  notificationsArrive = true;
  readonly #listeners = new Set<{ onNotify: (payload: string) => void; onListen: () => void }>();

  async listen(onNotify: (payload: string) => void, onListen: () => void) {
    this.#call('listen');
    const l = { onNotify, onListen };
    this.#listeners.add(l);
    onListen();
    return async () => {
      this.#listeners.delete(l);
    };
  }
  async notify(payload: string) {
    this.#call('notify', payload);
    if (this.notificationsArrive) setImmediate(() => this.deliver(payload));
  }
  /** A notification on the wake channel, as pgflow._wake_workers sends one. */
  deliver(payload: string): void {
    for (const l of this.#listeners) l.onNotify(payload);
  }
  /** The LISTEN is in place again, as after postgres.js reconnected. */
  relisten(): void {
    for (const l of this.#listeners) l.onListen();
  }
  get listening(): number {
    return this.#listeners.size;
  }
  async showMessages(flowSlug: string, msgIds: readonly string[]) {
    this.#call('showMessages', flowSlug, msgIds);
    this.#queues.set(flowSlug, [...msgIds, ...this.queued(flowSlug)]);
  }
  async completeTasks(resultsJson: string) {
    this.#call('completeTasks', resultsJson);
    const results = JSON.parse(resultsJson) as Array<TaskKey & { output: unknown }>;
    this.completed.push(...results);
    return results.map(({ run_id, step_slug, task_index }) => ({ run_id, step_slug, task_index }));
  }
  /** What failTask answers: 'queued' (a retry) unless a test says the run failed. */
  failStatus: string | undefined = 'queued';

  async failTask(task: TaskKey, message: string) {
    this.#call('failTask', task.run_id, task.step_slug, task.task_index, message);
    this.failed.push({ run_id: task.run_id, step_slug: task.step_slug, task_index: task.task_index, message });
    return this.failStatus;
  }
}

/** A logger that keeps "level: message" lines. */
export function memoryLog(): { log: WorkerLogger; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level}: ${message}`) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 5 ms until it holds; throws after timeoutMs. */
export async function until(check: () => boolean, what = 'condition', timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
