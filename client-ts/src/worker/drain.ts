// What stop() does with the tasks in flight once the read loops have ended.
import type { WorkerLogger } from './log.js';
import type { TaskRunner } from './runner.js';
import type { Slots } from './slots.js';

export interface DrainDeps {
  runner: Pick<TaskRunner<unknown>, 'inFlight' | 'running' | 'settled' | 'abortAll' | 'abandonAll'>;
  slots: Pick<Slots, 'queued' | 'dropQueued'>;
  log: WorkerLogger;
  shutdownTimeoutMs: number;
  /** How long aborted handlers get to end before they are abandoned. */
  abortGraceMs: number;
  /** Resolves when the wait is to be cut short (a second signal). */
  forced: Promise<void>;
}

/**
 * Waits for the tasks in flight, and those queued for a slot (they start as
 * the running ones end); past shutdownTimeoutMs (or `forced`), drops the
 * queued ones, aborts the running ones, then abandons those still running.
 */
export async function drain({ runner, slots, log, shutdownTimeoutMs, abortGraceMs, forced }: DrainDeps): Promise<void> {
  if (runner.inFlight === 0) return;
  log('info', `stopping: waiting for ${runner.inFlight} running task(s)${slots.queued ? ` and ${slots.queued} queued` : ''}`);
  const allSettled = async () => {
    while (runner.inFlight > 0) await runner.settled();
    return true;
  };
  const finished = await Promise.race([
    allSettled(),
    new Promise<boolean>((r) => setTimeout(r, shutdownTimeoutMs, false).unref()),
    forced.then(() => false),
  ]);
  if (finished) return;
  // Queued tasks do not start now: they come back to some worker when their lease runs out.
  slots.dropQueued();
  log('warn', `stopping: aborting ${runner.running} task(s) still running`);
  runner.abortAll(new Error('the worker is shutting down'));
  // Handlers that end on the abort are reported; the others are abandoned and
  // their tasks come back to some worker when their lease runs out.
  await Promise.race([runner.settled(), new Promise((r) => setTimeout(r, abortGraceMs).unref())]);
  runner.abandonAll();
  await runner.settled();
}
