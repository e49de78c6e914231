import type { Json, StepDefinition } from '../dsl/types.js';
import type { TaskRecord } from './db.js';
import { errorMessage, type WorkerLogger } from './log.js';

/** Node fires a timer of more than 2^31 - 1 ms at once: a longer timeout waits this long (24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A flow as the worker serves it. */
export interface ServedFlow {
  readonly slug: string;
  readonly workerId: string;
  readonly steps: ReadonlyMap<string, StepDefinition>;
}

export interface RunnerDeps<C> {
  /** Handed to every handler as ctx.context. */
  context: C;
  log: WorkerLogger;
  /** pgflow.fail_task; never rejects (failures are logged). */
  fail(task: TaskRecord, message: string, fields: Record<string, unknown>): Promise<unknown>;
  /** Records the output (JSON text): true recorded, false dropped by the database, undefined failed. */
  complete(task: TaskRecord, output: string): Promise<boolean | undefined>;
  /** Called once for each started task when it has ended, however it ended (it frees the task's slot). */
  ended(): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; message: string } | { abandoned: true };

/**
 * Runs the handlers of started tasks: each with its timeout and abort signal,
 * its result reported by `complete` or its error by `fail`. Keeps what stop()
 * needs: the tasks in flight, and a way to abort or abandon the running ones.
 */
export class TaskRunner<C> {
  readonly #deps: RunnerDeps<C>;
  /** Running handlers: their abort controller, and how to give up on them. */
  readonly #running = new Map<AbortController, () => void>();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(deps: RunnerDeps<C>) {
    this.#deps = deps;
  }

  /** Tasks started and not yet ended (their handler may be done, their result on its way). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Tasks whose handler is still running. */
  get running(): number {
    return this.#running.size;
  }

  /** Runs the task in the background; `ended` is called when it has ended. */
  start(flow: ServedFlow, task: TaskRecord): void {
    const p: Promise<void> = this.run(flow, task)
      .catch((err: unknown) => this.#deps.log('error', `task crashed: ${errorMessage(err)}`, { flow: flow.slug, error: err }))
      .finally(() => {
        this.#inFlight.delete(p);
        this.#deps.ended();
      });
    this.#inFlight.add(p);
  }

  /** Resolves when the tasks in flight now have ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.#inFlight]);
  }

  /** Aborts the signal of every running handler; those that end on it are reported as usual. */
  abortAll(reason: Error): void {
    for (const c of this.#running.keys()) c.abort(reason);
  }

  /**
   * Gives up on the handlers still running: nothing is reported for them, and
   * their tasks come back to some worker when their lease runs out.
   */
  abandonAll(): void {
    for (const abandon of [...this.#running.values()]) abandon();
  }

  /** Runs one task to its end: handler, then complete or fail. */
  async run(flow: ServedFlow, task: TaskRecord): Promise<void> {
    const { log } = this.#deps;
    const fields = { flow: flow.slug, run_id: task.run_id, step: task.step_slug, task_index: task.task_index };
    const fail = (message: string) => this.#deps.fail(task, message, fields);
    const step = flow.steps.get(task.step_slug);
    if (!step) {
      await fail(
        `worker ${flow.workerId} has no handler for step "${task.step_slug}" of flow "${flow.slug}": ` +
          `it knows ${[...flow.steps.keys()].map((s) => `"${s}"`).join(', ') || 'no steps'}`,
      );
      return;
    }

    const outcome = await this.#runHandler(step, task);
    if ('abandoned' in outcome) {
      log('warn', 'task abandoned by a stopping worker', fields);
      return;
    }
    if (!outcome.ok) {
      log('debug', `task failed: ${outcome.message}`, fields);
      await fail(outcome.message);
      return;
    }
    let output: string;
    try {
      output = JSON.stringify(outcome.value === undefined ? null : outcome.value) ?? 'null';
    } catch (err) {
      await fail(`output of step "${task.step_slug}" is not JSON: ${errorMessage(err)}`);
      return;
    }
    const recorded = await this.#deps.complete(task, output);
    if (recorded === undefined) return;
    // Not recorded: the run was cancelled or has finished, or another worker took the task over. Nothing to do.
    if (!recorded) log('debug', 'task result not recorded: the task or its run is no longer running', fields);
    else log('debug', 'task completed', fields);
  }

  /** The handler's result or error, its timeout, or its abandonment, whichever comes first. */
  async #runHandler(step: StepDefinition, task: TaskRecord): Promise<Outcome> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await new Promise<Outcome>((resolve) => {
      this.#running.set(controller, () => resolve({ abandoned: true }));
      timer = setTimeout(() => {
        const message = `timed out: handler of step "${task.step_slug}" ran longer than ${task.timeout} s`;
        controller.abort(new Error(message));
        resolve({ ok: false, message }); // whatever the handler does later is ignored
      }, Math.min(task.timeout * 1000, MAX_TIMER_MS));
      const ctx = {
        context: this.#deps.context,
        signal: controller.signal,
        attempt: task.attempts_count,
        runId: task.run_id,
        stepSlug: task.step_slug,
        taskIndex: task.task_index,
      };
      // Through a promise, so that a handler that throws at once counts as failed too.
      Promise.resolve()
        .then(() => step.handler(task.input as Json, ctx))
        .then(
          (value) => resolve({ ok: true, value }),
          (err: unknown) => resolve({ ok: false, message: errorMessage(err) }),
        );
    });
    clearTimeout(timer);
    this.#running.delete(controller);
    return outcome;
  }
}
