/**
 * The handler slots of a worker (its `concurrency`), shared by the read loops
 * of all its flows, and the tasks it holds.
 *
 * A loop takes a lease before it reads: the free slots it may fill (taken
 * from the others meanwhile) and, when its handlers end faster than a read
 * takes (`ahead`), more tasks that wait in a local queue for a slot, so that
 * one read fetches a batch for slots that free up a moment later. A started
 * task gives its slot back when its handler has ended (handlerDone), while
 * its result is still on its way to the database: the next read need not
 * wait for that round trip. So that tasks cannot pile up when the database
 * is slower than the handlers, the tasks held (queued, running, or their
 * result not yet recorded) stay within `maxHeld`; a task stops being held
 * when it has ended (ended).
 */
export interface Lease {
  /** Tasks the read may return. 0: nothing to read now. */
  readonly n: number;
  /** Of those, how many have a slot reserved (the others queue for one). */
  readonly own: number;
}

export class Slots {
  private _free: number;
  private _held = 0;
  private readonly _maxHeld: number;
  private _queue: Array<() => void> = [];
  private _waiters: Array<() => void> = [];
  private _closed = false;

  constructor(total: number, maxHeld = total * 3) {
    this._free = total;
    this._maxHeld = Math.max(maxHeld, total);
  }

  /** Free slots (not running a handler, not reserved by a read). */
  get free(): number {
    return this._free;
  }

  /** Tasks read or reserved and not yet ended. */
  get held(): number {
    return this._held;
  }

  /** Tasks read that wait in the local queue for a slot. */
  get queued(): number {
    return this._queue.length;
  }

  /**
   * A lease for a read of up to `max` tasks: the free slots (within maxHeld),
   * and with `ahead` as many more as maxHeld allows, provided some slot is
   * free and nothing waits in the local queue already. Possibly { n: 0 }.
   */
  take(max: number, ahead = false): Lease {
    if (this._free === 0 || this._queue.length > 0) return { n: 0, own: 0 };
    const room = Math.max(0, this._maxHeld - this._held);
    const own = Math.min(max, this._free, room);
    const n = ahead ? Math.min(max, room) : own;
    this._free -= own;
    this._held += n;
    return { n, own };
  }

  /**
   * What the read of `lease` returned: one start function per task (at most
   * lease.n). The first run now in the reserved slots, the others queue for
   * a slot; the reservations left unfilled are given back.
   */
  settle(lease: Lease, starts: ReadonlyArray<() => void>): void {
    const got = Math.min(starts.length, lease.n);
    const now = Math.min(got, lease.own);
    this._free += lease.own - now;
    this._held -= lease.n - got;
    for (let i = now; i < got; i++) this._queue.push(starts[i]!);
    for (let i = 0; i < now; i++) starts[i]!();
    if (lease.n > got || lease.own > now) this._wake();
  }

  /** A started task's handler has ended: its slot goes to the next queued task, or is free. */
  handlerDone(): void {
    const next = this._queue.shift();
    if (next) return next();
    this._free += 1;
    this._wake();
  }

  /** A task has ended (its result recorded or given up), after handlerDone(). */
  ended(): void {
    this._held -= 1;
    this._wake();
  }

  /** Drops the tasks that wait for a slot (the worker stops): they are ended without running. */
  dropQueued(): number {
    const n = this._queue.length;
    this._queue = [];
    this._held -= n;
    return n;
  }

  /** Resolves at the next handlerDone, ended or unfilled lease, or at once when closed. */
  freed(): Promise<void> {
    return new Promise((resolve) => {
      if (this._closed) return resolve();
      this._waiters.push(resolve);
    });
  }

  /** The worker stops: waiters wake now, and freed() no longer waits. */
  close(): void {
    this._closed = true;
    this._wake();
  }

  private _wake(): void {
    if (this._waiters.length === 0) return;
    const waiters = this._waiters;
    this._waiters = [];
    for (const w of waiters) w();
  }
}
