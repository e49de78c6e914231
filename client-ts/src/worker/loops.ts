import { errorCode, isClientEnded, isServerError, isTransient } from '../pg-errors.js';
import type { TaskRecord, WorkerDb } from './db.js';
import { errorMessage, type WorkerLogger } from './log.js';
import type { ServedFlow, TaskRunner } from './runner.js';
import type { Slots } from './slots.js';

/** A served flow, and whether its worker row must be registered again (it went missing, or a read failed). */
export interface FlowState extends ServedFlow {
  needsRegister: boolean;
}

export interface LoopSettings {
  functionName: string;
  batchSize: number;
  visibility: number;
  pollIntervalMs: number;
  heartbeatMs: number;
  shutdownTimeoutMs: number;
  /** How long aborted handlers get to end before they are abandoned. Default 1000 ms. */
  abortGraceMs?: number;
}

/** What the loops use of the runner. */
export type Runner = Pick<TaskRunner<unknown>, 'start' | 'inFlight' | 'running' | 'settled' | 'abortAll' | 'abandonAll'>;

export interface LoopDeps {
  db: WorkerDb;
  flows: readonly FlowState[];
  slots: Slots;
  runner: Runner;
  settings: LoopSettings;
  log: WorkerLogger;
  /** Called once stop() is done, just before `done` resolves. */
  onStopped?: () => void;
}

/**
 * The worker's loops, one pair per flow: the read loop (reads the queue,
 * starts the tasks, hands them to the runner) and the heartbeat (which also
 * notices a worker row marked stopped or gone); and stop(), which ends them,
 * drains the runner and marks the worker rows stopped.
 */
export class WorkerLoops {
  readonly done: Promise<void>;
  readonly #deps: LoopDeps;
  #resolveDone!: () => void;
  #stopping = false;
  readonly #stopController = new AbortController();
  #stopPromise: Promise<void> | null = null;
  #loops: Promise<void>[] = [];
  #forceAbort!: () => void;
  readonly #forced: Promise<void>;

  constructor(deps: LoopDeps) {
    this.#deps = deps;
    this.done = new Promise((r) => (this.#resolveDone = r));
    this.#forced = new Promise((r) => (this.#forceAbort = r));
  }

  /** True from the first stop() on. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Registers every flow's worker row; if one fails, marks the others stopped and rethrows. */
  async registerAll(): Promise<void> {
    const { flows, db } = this.#deps;
    for (const [i, fs] of flows.entries()) {
      try {
        await this.#register(fs);
      } catch (err) {
        for (const done of flows.slice(0, i)) await db.stopWorker(done.workerId).catch(() => {});
        throw err;
      }
    }
  }

  start(): void {
    const { flows } = this.#deps;
    this.#loops = [...flows.map((fs) => this.#read(fs)), ...flows.map((fs) => this.#heartbeat(fs))];
  }

  /** Stops reading, lets running handlers finish (up to shutdownTimeoutMs), marks the worker rows stopped. */
  stop(): Promise<void> {
    if (this.#stopPromise) return this.#stopPromise;
    this.#stopping = true;
    this.#stopController.abort();
    this.#deps.slots.close();
    this.#stopPromise = this.#shutDown();
    return this.#stopPromise;
  }

  /** Cuts the wait of a stop() under way short: running handlers are aborted at once. */
  forceAbort(): void {
    this.#forceAbort();
  }

  async #register(fs: FlowState): Promise<void> {
    await this.#deps.db.registerWorker(fs.workerId, fs.slug, this.#deps.settings.functionName);
    fs.needsRegister = false;
  }

  /** Resolves after ms, or at once when the worker stops. */
  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stopping) return resolve();
      const signal = this.#stopController.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }

  async #read(fs: FlowState): Promise<void> {
    const { db, slots, runner, log } = this.#deps;
    const { batchSize, visibility, pollIntervalMs } = this.#deps.settings;
    let backoff = 0;
    while (!this.#stopping) {
      try {
        if (fs.needsRegister) {
          await this.#register(fs);
          log('info', 'worker registered again', { flow: fs.slug, worker_id: fs.workerId });
        }
        const n = slots.take(batchSize);
        if (n === 0) {
          await slots.freed();
          continue;
        }
        let tasks: TaskRecord[] = [];
        let read = 0;
        try {
          const ids = await db.readMessages(fs.slug, visibility, n);
          read = ids.length;
          if (read > 0) {
            try {
              tasks = await db.startTasks(fs.slug, ids, fs.workerId);
            } catch (err) {
              // start_tasks failed in the database (so it changed nothing): show the
              // messages again now rather than after `visibility` seconds. Not after a
              // lost connection, where it may have committed and leased them.
              if (!isTransient(err) && isServerError(err)) await db.showMessages(fs.slug, ids).catch(() => {});
              throw err;
            }
          }
        } finally {
          slots.release(n - tasks.length); // each started task keeps its slot until it ends
        }
        for (const task of tasks) runner.start(fs, task);
        backoff = 0;
        if (read < n) await this.#idle(pollIntervalMs);
      } catch (err) {
        if (this.#stopping) break;
        if (isClientEnded(err)) {
          log('error', 'the postgres.js client was ended; the worker stops', { flow: fs.slug });
          void this.stop();
          break;
        }
        backoff = Math.min(Math.max(1000, backoff * 2), 10_000);
        fs.needsRegister = true;
        log('warn', `reading queue "${fs.slug}" failed, trying again in ${backoff} ms: ${errorMessage(err)}`, {
          flow: fs.slug,
          error: err,
        });
        await this.#idle(backoff);
      }
    }
  }

  async #heartbeat(fs: FlowState): Promise<void> {
    const { db, log } = this.#deps;
    while (!this.#stopping) {
      await this.#idle(this.#deps.settings.heartbeatMs);
      if (this.#stopping) break;
      try {
        const stoppedAt = await db.heartbeat(fs.workerId);
        if (stoppedAt && !fs.needsRegister) {
          log('info', 'worker was marked stopped (pgflow.stop_worker); stopping', { flow: fs.slug, worker_id: fs.workerId });
          void this.stop();
        }
      } catch (err) {
        if (errorCode(err) === '42704') fs.needsRegister = true; // undefined_object: the row is gone
        else log('debug', `heartbeat failed: ${errorMessage(err)}`, { flow: fs.slug });
      }
    }
  }

  async #shutDown(): Promise<void> {
    const { db, flows, log } = this.#deps;
    await Promise.all(this.#loops);
    await this.#drain();
    for (const fs of flows) {
      try {
        await db.stopWorker(fs.workerId);
      } catch (err) {
        log('warn', `stop_worker failed: ${errorMessage(err)}`, { flow: fs.slug });
      }
    }
    this.#deps.onStopped?.();
    this.#resolveDone();
  }

  /** Waits for the tasks in flight; past shutdownTimeoutMs (or forceAbort), aborts them, then abandons the rest. */
  async #drain(): Promise<void> {
    const { runner, log, settings } = this.#deps;
    if (runner.inFlight === 0) return;
    log('info', `stopping: waiting for ${runner.inFlight} running task(s)`);
    const finished = await Promise.race([
      runner.settled().then(() => true),
      new Promise<boolean>((r) => setTimeout(r, settings.shutdownTimeoutMs, false).unref()),
      this.#forced.then(() => false),
    ]);
    if (finished) return;
    log('warn', `stopping: aborting ${runner.running} task(s) still running`);
    runner.abortAll(new Error('the worker is shutting down'));
    // Handlers that end on the abort are reported; the others are abandoned and
    // their tasks come back to some worker when their lease runs out.
    await Promise.race([runner.settled(), new Promise((r) => setTimeout(r, settings.abortGraceMs ?? 1000).unref())]);
    runner.abandonAll();
    await runner.settled();
  }
}
