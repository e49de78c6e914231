// Wake-ups: the worker learns of new tasks from pgflow._wake_workers's
// notifications (LISTEN pgflow_tasks, payload = flow slug) instead of polling
// its queues; polling stays as the fallback.
import { randomUUID } from 'node:crypto';
import type { WorkerDb } from './db.js';
import { errorMessage, type WorkerLogger } from './log.js';

/**
 * One flow's wake-ups, for its read loop: a generation counter that each
 * notification bumps. The loop notes the generation before it reads; a
 * notification that comes while the read is in flight (its messages may have
 * committed after the read's snapshot) bumps it, and the loop's next wait
 * returns at once instead of idling: no wake-up is lost.
 */
export class Waker {
  private _generation = 0;
  private _waiters = new Set<() => void>();

  get generation(): number {
    return this._generation;
  }

  wake(): void {
    this._generation++;
    const waiters = [...this._waiters];
    this._waiters.clear();
    for (const w of waiters) w();
  }

  /**
   * Resolves after `ms`, at the next wake, or at once when a wake came after
   * generation `since`, or when `signal` is (or gets) aborted.
   */
  wait(since: number, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this._generation !== since || signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this._waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this._waiters.add(done);
    });
  }
}

export interface WakeListenerDeps {
  db: Pick<WorkerDb, 'listen' | 'notify'>;
  log: WorkerLogger;
  /** A notification's payload: the flow whose queue has messages now. */
  onWake(flowSlug: string): void;
  /** The LISTEN is in place (again): notifications may have been missed meanwhile. */
  onListen(): void;
  /** The poll interval the read loops fall back to when notifications do not arrive (for the warning). */
  pollIntervalMs: number;
  /** How long the probe notification may take to arrive. Default 5000 ms. */
  probeTimeoutMs?: number;
}

/**
 * The worker's LISTEN (postgres.js keeps one listening connection per client,
 * shared by all of its flows, and listens again after a reconnect). `working`
 * is true once a probe notification sent by the worker came back through it:
 * a LISTEN behind a transaction-mode pooler succeeds but never delivers, and
 * there the read loops must keep polling at their short interval. A failure
 * is logged once (warn); the loops poll meanwhile.
 */
export class WakeListener {
  private readonly _deps: WakeListenerDeps;
  private _working = false;
  private _warned = false;
  private _stopped = false;
  private _unlisten: (() => Promise<void>) | null = null;
  private _probe: { token: string; timer: NodeJS.Timeout } | null = null;

  constructor(deps: WakeListenerDeps) {
    this._deps = deps;
  }

  /** True while notifications are known to arrive. */
  get working(): boolean {
    return this._working;
  }

  /** Starts listening in the background. */
  start(): void {
    this._deps.db
      .listen(
        (payload) => this._onNotify(payload),
        () => this._onListen(),
      )
      .then(
        (unlisten) => {
          this._unlisten = unlisten;
          if (this._stopped) void this.stop();
        },
        (err: unknown) => this._fail(`LISTEN failed: ${errorMessage(err)}`),
      );
  }

  async stop(): Promise<void> {
    this._stopped = true;
    this._working = false;
    if (this._probe) clearTimeout(this._probe.timer);
    this._probe = null;
    const unlisten = this._unlisten;
    this._unlisten = null;
    if (!unlisten) return;
    // UNLISTEN waits for the listening connection; a lost one must not hold the stop up.
    await Promise.race([unlisten().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  private _onNotify(payload: string): void {
    if (this._probe && payload === this._probe.token) {
      clearTimeout(this._probe.timer);
      this._probe = null;
      if (!this._working && this._warned) this._deps.log('info', 'notifications arrive again: the worker wakes on new tasks');
      this._working = true;
      return;
    }
    this._deps.onWake(payload);
  }

  private _onListen(): void {
    if (this._stopped) return;
    this._deps.onListen();
    // Probe: does a notification sent now come back through this LISTEN?
    if (this._probe) clearTimeout(this._probe.timer);
    const token = `probe:${randomUUID()}`; // never a flow slug
    const timer = setTimeout(() => {
      if (this._probe?.token !== token) return;
      this._probe = null;
      this._fail('a notification sent by the worker did not come back (a transaction-mode connection pooler?)');
    }, this._deps.probeTimeoutMs ?? 5000);
    timer.unref();
    this._probe = { token, timer };
    this._deps.db.notify(token).catch((err: unknown) => {
      if (this._probe?.token !== token) return;
      clearTimeout(timer);
      this._probe = null;
      this._fail(`pg_notify failed: ${errorMessage(err)}`);
    });
  }

  private _fail(why: string): void {
    this._working = false;
    if (this._stopped || this._warned) return;
    this._warned = true;
    this._deps.log(
      'warn',
      `the worker cannot wake on new tasks (${why}): it polls its queues every ${this._deps.pollIntervalMs} ms instead`,
    );
  }
}
