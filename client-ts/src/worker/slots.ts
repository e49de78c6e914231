/**
 * The handler slots of a worker (its `concurrency`), shared by the read loops
 * of all its flows. A loop takes slots before it reads, so that the loops of
 * other flows cannot take the same ones meanwhile, and gives back those it
 * did not fill; each started task keeps one until it ends.
 */
export class Slots {
  private _free: number;
  private _waiters: Array<() => void> = [];
  private _closed = false;

  constructor(total: number) {
    this._free = total;
  }

  get free(): number {
    return this._free;
  }

  /** Takes as many free slots as there are, up to `max`: possibly 0. */
  take(max: number): number {
    const n = Math.min(max, this._free);
    this._free -= n;
    return n;
  }

  /** Gives `n` slots back and wakes every waiter (each takes again, and may find none). */
  release(n: number): void {
    this._free += n;
    this._wake();
  }

  /** Resolves at the next release, or at once when closed. */
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
    const waiters = this._waiters;
    this._waiters = [];
    for (const w of waiters) w();
  }
}
