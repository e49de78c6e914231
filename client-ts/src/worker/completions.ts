import type { TaskKey } from './db.js';

/** At most this many results go to the database in one complete_tasks call. */
export const MAX_COMPLETION_BATCH = 500;
/** At most this many complete_tasks calls are on their way at once (a worker's default; see CompletionBatcher). */
export const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * Sends a JSON array of results to pgflow.complete_tasks and resolves to the
 * tasks it recorded, or to undefined when the call failed (and was logged).
 */
export type SendResults = (resultsJson: string, fields: Record<string, unknown>) => Promise<TaskKey[] | undefined>;

type Pending = { task: TaskKey; item: string; resolve: (recorded: boolean | undefined) => void };

const keyOf = (t: TaskKey) => `${t.run_id}/${t.step_slug}/${t.task_index}`;

/**
 * Sends task results to the database in batches (one complete_tasks call, one
 * transaction, per batch): the results that come in during one turn of the
 * event loop (the handlers of one read end together) go together, and while
 * `maxInFlight` batches are on their way, the results that come in meanwhile
 * wait and go together next; so a busy worker commits once for many tasks and
 * an idle one at once (a turn of the event loop later). If a batch fails, its results go
 * one by one, so that one bad result does not lose the others.
 */
export class CompletionBatcher {
  private readonly _send: SendResults;
  private readonly _maxBatch: number;
  private readonly _maxInFlight: number;
  private _queue: Pending[] = [];
  private _inFlight = 0;
  private _scheduled = false;

  /**
   * `maxInFlight` batches may be on their way at once (each on its own
   * connection of the pool): the database records the results of different
   * runs in parallel, and the next batch need not wait for the commit of the
   * one before.
   */
  constructor(send: SendResults, maxBatch = MAX_COMPLETION_BATCH, maxInFlight = MAX_BATCHES_IN_FLIGHT) {
    this._send = send;
    this._maxBatch = maxBatch;
    this._maxInFlight = Math.max(1, maxInFlight);
  }

  /**
   * Records a task's output (JSON text). Resolves to true (recorded), false
   * (not: the run was cancelled or has finished, or another worker took the
   * task over) or undefined (the call failed; logged by send).
   */
  complete(task: TaskKey, output: string): Promise<boolean | undefined> {
    const item =
      `{"run_id":${JSON.stringify(task.run_id)},"step_slug":${JSON.stringify(task.step_slug)},` +
      `"task_index":${task.task_index},"output":${output}}`;
    return new Promise((resolve) => {
      this._queue.push({ task, item, resolve });
      if (!this._scheduled && this._inFlight < this._maxInFlight) {
        this._scheduled = true;
        setImmediate(this._pump);
      }
    });
  }

  /** Results waiting to be sent (not those on their way). */
  get waiting(): number {
    return this._queue.length;
  }

  /** Sends what waits, in as many batches as may be on their way. */
  private readonly _pump = (): void => {
    this._scheduled = false;
    while (this._queue.length > 0 && this._inFlight < this._maxInFlight) {
      const batch = this._queue.splice(0, this._maxBatch);
      this._inFlight++;
      void this._sendBatch(batch).then(() => {
        this._inFlight--;
        this._pump();
      });
    }
  };

  private async _sendBatch(batch: Pending[]): Promise<void> {
    let rows = await this._send(`[${batch.map((p) => p.item).join(',')}]`, { tasks: batch.length });
    if (rows === undefined && batch.length > 1) {
      // Each failure is logged by send; a result that fails alone counts as not recorded.
      const each: TaskKey[] = [];
      for (const p of batch) {
        const one = await this._send(`[${p.item}]`, {
          run_id: p.task.run_id,
          step: p.task.step_slug,
          task_index: p.task.task_index,
        });
        if (one) each.push(...one);
      }
      rows = each;
    }
    if (rows === undefined) {
      for (const p of batch) p.resolve(undefined);
      return;
    }
    const recorded = new Set(rows.map(keyOf));
    for (const p of batch) p.resolve(recorded.has(keyOf(p.task)));
  }
}
