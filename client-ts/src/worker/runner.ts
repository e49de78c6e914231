import { performance } from 'node:perf_hooks';
import { formatIssues, validateWithSchema, type StandardSchemaV1 } from '../dsl/schema.js';
import type { Json, StepDefinition } from '../dsl/types.js';
import type { TaskRecord } from './db.js';
import { failOptions, serializeError, type FailOptions } from './errors.js';
import { errorMessage, type WorkerLogger } from './log.js';
import { traced, type TaskTrace } from './tracing.js';

/** Node fires a timer of more than 2^31 - 1 ms at once: a longer timeout waits this long (24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A flow as the worker serves it. */
export interface ServedFlow {
  readonly slug: string;
  readonly workerId: string;
  readonly steps: ReadonlyMap<string, StepDefinition>;
  /** The flow's input schema: checked before a root step's handler runs. */
  readonly inputSchema?: StandardSchemaV1 | undefined;
}

export interface RunnerDeps<C> {
  /** Handed to every handler as ctx.context. */
  context: C;
  log: WorkerLogger;
  /**
   * pgflow.fail_task with the stored text, and whether and when to retry
   * (`options`, from what the handler threw): resolves to the task's new status
   * ('queued' for a retry, 'failed' when the run failed with it), or undefined
   * when nothing was recorded or the call failed. Never rejects (failures are logged).
   */
  fail(task: TaskRecord, message: string, fields: Record<string, unknown>, options?: FailOptions): Promise<string | undefined>;
  /** Records the output (JSON text): true recorded, false dropped by the database, undefined failed. */
  complete(task: TaskRecord, output: string): Promise<boolean | undefined>;
  /**
   * Called once for each started task when its handler has ended (returned,
   * thrown, timed out or abandoned; or was never called), before its result
   * or error is reported: it frees the task's handler slot.
   */
  handlerDone?(): void;
  /** Called once for each started task when it has ended, however it ended, after handlerDone. */
  ended(): void;
  /**
   * Makes a task that fail_task queued again visible at once (its retry delay
   * skipped): after a failure that every attempt repeats. Never rejects.
   */
  retryNow?(task: TaskRecord): Promise<void>;
}

/** A failure: what the handler threw (or the worker's own message), and the text to store. */
type Failure = { ok: false; error: unknown; message: string };
type Outcome = { ok: true; value: unknown } | Failure | { abandoned: true };

const failure = (error: unknown): Failure => ({ ok: false, error, message: serializeError(error) });

/**
 * Runs the handlers of started tasks: each with its timeout and abort signal,
 * its result reported by `complete` or its error by `fail`. Keeps what stop()
 * needs: the tasks in flight, and a way to abort or abandon the running ones.
 */
export class TaskRunner<C> {
  private readonly _deps: RunnerDeps<C>;
  /** Running handlers: their abort controller, and how to give up on them. */
  private readonly _running = new Map<AbortController, () => void>();
  private readonly _inFlight = new Set<Promise<void>>();
  private _handlerMs = Infinity;

  constructor(deps: RunnerDeps<C>) {
    this._deps = deps;
  }

  /**
   * How long a handler takes (moving average, ms; Infinity before the first
   * ends): the loops read ahead only while it is shorter than a read.
   */
  get handlerMs(): number {
    return this._handlerMs;
  }

  /** Tasks started and not yet ended (their handler may be done, their result on its way). */
  get inFlight(): number {
    return this._inFlight.size;
  }

  /** Tasks whose handler is still running. */
  get running(): number {
    return this._running.size;
  }

  /** Runs the task in the background; `ended` is called when it has ended. */
  start(flow: ServedFlow, task: TaskRecord): void {
    let handlerDone = false;
    const done = () => {
      if (handlerDone) return;
      handlerDone = true;
      this._deps.handlerDone?.();
    };
    const p: Promise<void> = traced(flow.slug, task, (trace) => this.run(flow, task, trace, done))
      .catch((err: unknown) => this._deps.log('error', `task crashed: ${errorMessage(err)}`, { flow: flow.slug, error: err }))
      .finally(() => {
        done();
        this._inFlight.delete(p);
        this._deps.ended();
      });
    this._inFlight.add(p);
  }

  /** Resolves when the tasks in flight now have ended. */
  async settled(): Promise<void> {
    await Promise.all([...this._inFlight]);
  }

  /** Aborts the signal of every running handler; those that end on it are reported as usual. */
  abortAll(reason: Error): void {
    for (const c of this._running.keys()) c.abort(reason);
  }

  /**
   * Gives up on the handlers still running: nothing is reported for them, and
   * their tasks come back to some worker when their lease runs out.
   */
  abandonAll(): void {
    for (const abandon of [...this._running.values()]) abandon();
  }

  /** Runs one task to its end: handler, then complete or fail; `handlerDone` is called once no handler runs for it any more. */
  async run(flow: ServedFlow, task: TaskRecord, trace?: TaskTrace, handlerDone: () => void = () => {}): Promise<void> {
    const { log } = this._deps;
    const fields = { flow: flow.slug, step: task.step_slug, run_id: task.run_id, task_index: task.task_index, attempt: task.attempts_count };
    // Every failure is logged (warn), and the run's failure too (error) when it was the last attempt.
    const fail = async ({ error, message }: Failure) => {
      log('warn', 'task failed', { ...fields, error });
      const status = await this._deps.fail(task, message, fields, failOptions(error));
      trace?.outcome(status === 'queued' ? 'retried' : 'failed', error);
      if (status === 'failed') log('error', 'run failed', { ...fields, error });
      return status;
    };
    const step = flow.steps.get(task.step_slug);
    if (!step) {
      handlerDone();
      const known = [...flow.steps.keys()].map((s) => `"${s}"`).join(', ') || 'no steps';
      await fail(failure(`worker ${flow.workerId} has no handler for step "${task.step_slug}" of flow "${flow.slug}": it knows ${known}`));
      return;
    }

    // A run started elsewhere (psql, pg_cron) did not go through startFlow's validation.
    const invalid = await this._invalidInput(flow, step, task);
    if (invalid !== undefined) {
      handlerDone();
      // Every attempt fails the same way: no handler runs, and no retry waits for its delay.
      if ((await fail(failure(invalid))) === 'queued') await this._deps.retryNow?.(task);
      return;
    }

    const t0 = performance.now();
    const outcome = await this._runHandler(step, task, trace);
    const ms = performance.now() - t0;
    this._handlerMs = this._handlerMs === Infinity ? ms : this._handlerMs + (ms - this._handlerMs) * 0.1;
    handlerDone();
    if ('abandoned' in outcome) {
      log('warn', 'task abandoned by a stopping worker', fields);
      trace?.outcome('abandoned');
      return;
    }
    if (!outcome.ok) {
      await fail(outcome);
      return;
    }
    let output: string;
    try {
      output = JSON.stringify(outcome.value === undefined ? null : outcome.value) ?? 'null';
    } catch (err) {
      await fail(failure(`output of step "${task.step_slug}" is not JSON: ${errorMessage(err)}`));
      return;
    }
    const recorded = await this._deps.complete(task, output);
    trace?.outcome(recorded ? 'completed' : 'dropped');
    if (recorded === undefined) return;
    // Not recorded: the run was cancelled or has finished, or another worker took the task over. Nothing to do.
    if (!recorded) log('debug', 'task result not recorded: the task or its run is no longer running', fields);
    else log('debug', 'task completed', fields);
  }

  /**
   * The message to fail the task with when the flow has an input schema, the
   * step is a root single step (its input holds the whole run input) and the
   * run input fails the schema; undefined otherwise. Root map steps get one
   * element each and are not checked.
   */
  private async _invalidInput(flow: ServedFlow, step: StepDefinition, task: TaskRecord): Promise<string | undefined> {
    if (flow.inputSchema === undefined || step.type !== 'single' || step.dependsOn.length > 0) return undefined;
    const run = (task.input as { run?: unknown } | null)?.run;
    let result: Awaited<ReturnType<typeof validateWithSchema>>;
    try {
      result = await validateWithSchema(flow.inputSchema, run);
    } catch (err) {
      return `input of flow "${flow.slug}" could not be validated: ${errorMessage(err)}`;
    }
    if (result.ok) return undefined;
    return `input of flow "${flow.slug}" is invalid (checked by the worker before step "${step.slug}"; the handler did not run):\n${formatIssues(result.issues)}`;
  }

  /** The handler's result or error, its timeout, or its abandonment, whichever comes first. */
  private async _runHandler(step: StepDefinition, task: TaskRecord, trace?: TaskTrace): Promise<Outcome> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await new Promise<Outcome>((resolve) => {
      this._running.set(controller, () => resolve({ abandoned: true }));
      timer = setTimeout(() => {
        const message = `timed out: handler of step "${task.step_slug}" ran longer than ${task.timeout} s`;
        controller.abort(new Error(message));
        resolve(failure(message)); // whatever the handler does later is ignored
      }, Math.min(task.timeout * 1000, MAX_TIMER_MS));
      const ctx = {
        context: this._deps.context,
        signal: controller.signal,
        attempt: task.attempts_count,
        runId: task.run_id,
        stepSlug: task.step_slug,
        taskIndex: task.task_index,
      };
      // Through a promise, so that a handler that throws at once counts as failed too.
      Promise.resolve()
        .then(() => (trace ? trace.wrap(() => step.handler(task.input as Json, ctx)) : step.handler(task.input as Json, ctx)))
        .then(
          (value) => resolve({ ok: true, value }),
          // The worker's own abort reason (shutting down), rethrown by the handler, is stored as its message alone.
          (err: unknown) => resolve(failure(err === controller.signal.reason ? errorMessage(err) : err)),
        );
    });
    clearTimeout(timer);
    this._running.delete(controller);
    return outcome;
  }
}
