import type { TaskKey } from './db.js';

/** At most this many results go to the database in one complete_tasks call. */
export const MAX_COMPLETION_BATCH = 500;

/**
 * Sends a JSON array of results to pgflow.complete_tasks and resolves to the
 * tasks it recorded, or to undefined when the call failed (and was logged).
 */
export type SendResults = (resultsJson: string, fields: Record<string, unknown>) => Promise<TaskKey[] | undefined>;

type Pending = { task: TaskKey; item: string; resolve: (recorded: boolean | undefined) => void };

const keyOf = (t: TaskKey) => `${t.run_id}/${t.step_slug}/${t.task_index}`;

/**
 * Sends task results to the database in batches (one complete_tasks call, one
 * transaction, per batch): while a batch is on its way, the results that come
 * in meanwhile wait and go together next, so a busy worker commits once for
 * many tasks and an idle one at once. If a batch fails, its results go one by
 * one, so that one bad result does not lose the others.
 */
export class CompletionBatcher {
  private readonly _send: SendResults;
  private readonly _maxBatch: number;
  private _queue: Pending[] = [];
  private _flushing = false;

  constructor(send: SendResults, maxBatch = MAX_COMPLETION_BATCH) {
    this._send = send;
    this._maxBatch = maxBatch;
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
      if (!this._flushing) void this._flush();
    });
  }

  private async _flush(): Promise<void> {
    this._flushing = true;
    while (this._queue.length > 0) {
      const batch = this._queue.splice(0, this._maxBatch);
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
      const recorded = new Set((rows ?? []).map(keyOf));
      for (const p of batch) p.resolve(rows === undefined ? undefined : recorded.has(keyOf(p.task)));
    }
    this._flushing = false;
  }
}
