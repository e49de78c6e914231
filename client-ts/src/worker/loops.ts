import { performance } from 'node:perf_hooks';
import { errorCode, isClientEnded } from '../pg-errors.js';
import type { TaskRecord, WorkerDb } from './db.js';
import { errorMessage, type WorkerLogger } from './log.js';
import type { ServedFlow, TaskRunner } from './runner.js';
import type { Slots } from './slots.js';
import { drain } from './drain.js';
import { WakeListener, Waker } from './wake.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A served flow, and whether its worker row must be registered again (it went missing, or a read failed). */
export interface FlowState extends ServedFlow {
  needsRegister: boolean;
}

export interface LoopSettings {
  functionName: string;
  batchSize: number;
  visibility: number;
  /** LISTEN for pgflow._wake_workers's notifications. */
  listen: boolean;
  /** Pause after a read that started fewer tasks than it asked for, while notifications are not known to arrive. */
  pollIntervalMs: number;
  /** That pause while they arrive: the fallback poll (delayed messages, a missed notification). */
  listenPollIntervalMs: number;
  heartbeatMs: number;
  shutdownTimeoutMs: number;
  /** How long aborted handlers get to end before they are abandoned. Default 1000 ms. */
  abortGraceMs?: number;
}

/** What the loops use of the runner. */
export type Runner = Pick<TaskRunner<unknown>, 'start' | 'inFlight' | 'running' | 'settled' | 'abortAll' | 'abandonAll' | 'handlerMs'>;

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
 * starts the tasks, hands them to the runner; between reads it waits for a
 * wake-up, see wake.ts, or its poll interval) and the heartbeat (which also
 * notices a worker row marked stopped or gone); and stop(), which ends them,
 * drains the runner and marks the worker rows stopped.
 */
export class WorkerLoops {
  readonly done: Promise<void>;
  private readonly _deps: LoopDeps;
  private _resolveDone!: () => void;
  private _stopping = false;
  private readonly _stopController = new AbortController();
  private _stopPromise: Promise<void> | null = null;
  private _loops: Promise<void>[] = [];
  private _forceAbort!: () => void;
  private readonly _forced: Promise<void>;
  private readonly _wakers: Map<string, Waker>;
  private _listener: WakeListener | null = null;
  /** How long a read takes (moving average, ms). */
  private _readMs = 0;

  constructor(deps: LoopDeps) {
    this._deps = deps;
    this._wakers = new Map(deps.flows.map((fs) => [fs.slug, new Waker()]));
    this.done = new Promise((r) => (this._resolveDone = r));
    this._forced = new Promise((r) => (this._forceAbort = r));
  }

  /** True from the first stop() on. */
  get stopping(): boolean {
    return this._stopping;
  }

  /** Registers every flow's worker row; if one fails, marks the others stopped and rethrows. */
  async registerAll(): Promise<void> {
    const { flows, db } = this._deps;
    for (const [i, fs] of flows.entries()) {
      try {
        await this._register(fs);
      } catch (err) {
        for (const done of flows.slice(0, i)) await db.stopWorker(done.workerId).catch(() => {});
        throw err;
      }
    }
  }

  start(): void {
    const { flows, settings, db, log } = this._deps;
    if (settings.listen) {
      this._listener = new WakeListener({
        db,
        log,
        pollIntervalMs: settings.pollIntervalMs,
        onWake: (slug) => this._wakers.get(slug)?.wake(),
        // Notifications were missed while not listening: every flow reads now.
        onListen: () => {
          for (const w of this._wakers.values()) w.wake();
        },
      });
      this._listener.start();
    }
    this._loops = [...flows.map((fs) => this._read(fs)), ...flows.map((fs) => this._heartbeat(fs))];
  }

  /** Stops reading, lets running handlers finish (up to shutdownTimeoutMs), marks the worker rows stopped. */
  stop(): Promise<void> {
    if (this._stopPromise) return this._stopPromise;
    this._stopping = true;
    this._stopController.abort();
    this._deps.slots.close();
    this._stopPromise = this._shutDown();
    return this._stopPromise;
  }

  /** Makes the flow's read loop read now (as a notification for it does). */
  wake(flowSlug: string): void {
    this._wakers.get(flowSlug)?.wake();
  }

  /** Cuts the wait of a stop() under way short: running handlers are aborted at once. */
  forceAbort(): void {
    this._forceAbort();
  }

  private async _register(fs: FlowState): Promise<void> {
    await this._deps.db.registerWorker(fs.workerId, fs.slug, this._deps.settings.functionName);
    fs.needsRegister = false;
  }

  /** Resolves after ms, or at once when the worker stops. */
  private _idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this._stopping) return resolve();
      const signal = this._stopController.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }

  private async _read(fs: FlowState): Promise<void> {
    const { db, slots, runner, log } = this._deps;
    const { batchSize, visibility, pollIntervalMs, listenPollIntervalMs } = this._deps.settings;
    const waker = this._wakers.get(fs.slug)!;
    let backoff = 0;
    while (!this._stopping) {
      try {
        if (fs.needsRegister) {
          await this._register(fs);
          log('info', 'worker registered again', { flow: fs.slug, worker_id: fs.workerId });
        }
        // Read ahead (more tasks than free slots, the rest queued for a slot)
        // only while handlers end faster than a read takes: then a queued
        // task waits less than a read would.
        const lease = slots.take(batchSize, runner.handlerMs < this._readMs);
        if (lease.n === 0) {
          await slots.freed();
          // The handlers of one read end in the same turn of the event loop:
          // read once for all the slots they free, not once per slot.
          await nextTurn();
          continue;
        }
        let tasks: TaskRecord[] = [];
        // Noted before the read: a wake-up from now on means "read again" (see Waker).
        const generation = waker.generation;
        const t0 = performance.now();
        try {
          // Read and start in one statement: if start_tasks fails, the read is
          // undone with it and the messages stay visible.
          tasks = await db.readTasks(fs.slug, visibility, lease.n, fs.workerId);
        } finally {
          slots.settle(lease, tasks.map((task) => () => runner.start(fs, task)));
        }
        this._readMs += (performance.now() - t0 - this._readMs) * 0.1;
        backoff = 0;
        if (tasks.length < lease.n) {
          const wait = this._listener?.working ? listenPollIntervalMs : pollIntervalMs;
          await waker.wait(generation, wait, this._stopController.signal);
        }
      } catch (err) {
        if (this._stopping) break;
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
        await this._idle(backoff);
      }
    }
  }

  private async _heartbeat(fs: FlowState): Promise<void> {
    const { db, log } = this._deps;
    while (!this._stopping) {
      await this._idle(this._deps.settings.heartbeatMs);
      if (this._stopping) break;
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

  private async _shutDown(): Promise<void> {
    const { db, flows, log } = this._deps;
    await Promise.all(this._loops);
    await this._listener?.stop();
    const { runner, slots, settings } = this._deps;
    const { shutdownTimeoutMs, abortGraceMs = 1000 } = settings;
    await drain({ runner, slots, log, shutdownTimeoutMs, abortGraceMs, forced: this._forced });
    for (const fs of flows) {
      try {
        await db.stopWorker(fs.workerId);
      } catch (err) {
        log('warn', `stop_worker failed: ${errorMessage(err)}`, { flow: fs.slug });
      }
    }
    this._deps.onStopped?.();
    this._resolveDone();
  }
}
