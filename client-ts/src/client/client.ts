import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { AnyFlow, FlowInput, FlowOutput, SignalSlugs, StepOutput } from '../dsl/flow.js';
import { FlowInputError, validateWithSchema } from '../dsl/schema.js';
import { joinChannel } from './channels.js';
import { checkFlowShapeOnce } from './shape.js';
import type { FlowEvent, RunRow, RunWithStates, StepStateRow } from './types.js';

export { registerFlow } from './register.js';

/** How often wait() and events() read the run when no notification came. */
const POLL_MS = 1000;
/** How long a finished run seen by polling waits for its notifications before they are given up. */
const NOTIFY_GRACE_MS = 250;

/**
 * A run ended in failure. `stepSlug` and `errorMessage` name the step that failed
 * and the error of its last attempt.
 *
 * @example
 * try { await handle.wait() } catch (err) {
 *   if (err instanceof RunFailedError) console.log(err.stepSlug, err.errorMessage)
 * }
 */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
  constructor(
    readonly runId: string,
    readonly stepSlug: string | null,
    readonly errorMessage: string | null,
  ) {
    super(
      stepSlug === null
        ? `run ${runId} failed${errorMessage ? `: ${errorMessage}` : ''}`
        : `run ${runId} failed: step "${stepSlug}" failed: ${errorMessage ?? 'no error message'}`,
    );
  }
}

/**
 * wait() gave up: the run had not finished after `timeoutMs`. The run goes on.
 *
 * @example
 * await handle.wait({ timeoutMs: 5000 }).catch((err) => { if (err instanceof RunTimeoutError) ... })
 */
export class RunTimeoutError extends Error {
  override name = 'RunTimeoutError';
  constructor(
    readonly runId: string,
    readonly timeoutMs: number,
  ) {
    super(`run ${runId} did not finish within ${timeoutMs} ms`);
  }
}

/**
 * A run was cancelled (pgflow.cancel_run): it will not finish. `reason` is the
 * reason given to cancel_run, if any.
 *
 * @example
 * try { await handle.wait() } catch (err) {
 *   if (err instanceof RunCancelledError) console.log('cancelled:', err.reason)
 * }
 */
export class RunCancelledError extends Error {
  override name = 'RunCancelledError';
  constructor(
    readonly runId: string,
    readonly reason: string | null,
  ) {
    super(`run ${runId} was cancelled${reason ? `: ${reason}` : ''}`);
  }
}

/** A run being watched: its id, its end, its events. */
export interface RunHandle<F extends AnyFlow> {
  readonly runId: string;
  readonly flowSlug: string;
  /**
   * Resolves to the run's output (the outputs of its leaf steps by slug) once it
   * completes; rejects with RunFailedError if it fails, RunCancelledError if it is
   * cancelled, RunTimeoutError after timeoutMs. A paused run is waited for.
   */
  wait(options?: { timeoutMs?: number }): Promise<FlowOutput<F>>;
  /** The run's events, from run:started (when the handle was created before the run) to run:completed, run:failed or run:cancelled. */
  events(): AsyncIterableIterator<FlowEvent>;
  /** Stops listening. The handle does so by itself once the run has finished. */
  close(): Promise<void>;
}

/**
 * The run and its step states, as pgflow.get_run_with_states returns them.
 *
 * @example
 * const { run, steps } = await getRun(sql, runId)
 * console.log(run.status, steps.map((s) => `${s.step_slug}: ${s.status}`))
 */
export async function getRun<Output = unknown>(sql: Sql, runId: string): Promise<RunWithStates<Output>> {
  const [row] = await sql<{ r: RunWithStates<Output> }[]>`select pgflow.get_run_with_states(${runId}::uuid) as r`;
  return row!.r;
}

/**
 * Cancels a started or paused run (pgflow.cancel_run) and returns it. Its open
 * steps and tasks are cancelled and their queue messages archived; results that
 * workers report later are ignored. Cancelling a cancelled run returns it as it
 * is; a completed or failed run is an error (SQLSTATE 55000).
 *
 * @example
 * const run = await cancelRun(sql, handle.runId, 'no longer needed')
 * console.log(run.status, run.cancelled_at)
 */
export async function cancelRun<Output = unknown>(sql: Sql, runId: string, reason?: string): Promise<RunRow<Output>> {
  const [row] = await sql<{ r: RunRow<Output> }[]>`
    select to_jsonb(r) as r from pgflow.cancel_run(${runId}::uuid, ${reason ?? null}::text) as r`;
  return row!.r;
}

/**
 * Pauses a started run (pgflow.pause_run) and returns it: nothing new is queued
 * or started until resumeRun; tasks already started finish. Pausing a paused
 * run returns it as it is; a finished or cancelled run is an error (55000).
 *
 * @example
 * await pauseRun(sql, handle.runId)
 */
export async function pauseRun<Output = unknown>(sql: Sql, runId: string): Promise<RunRow<Output>> {
  const [row] = await sql<{ r: RunRow<Output> }[]>`select to_jsonb(r) as r from pgflow.pause_run(${runId}::uuid) as r`;
  return row!.r;
}

/**
 * Resumes a paused run (pgflow.resume_run) and returns it: its held tasks become
 * available to workers and the steps that became ready are queued. Resuming a
 * started run returns it as it is; a finished or cancelled run is an error (55000).
 *
 * @example
 * await resumeRun(sql, handle.runId)
 */
export async function resumeRun<Output = unknown>(sql: Sql, runId: string): Promise<RunRow<Output>> {
  const [row] = await sql<{ r: RunRow<Output> }[]>`select to_jsonb(r) as r from pgflow.resume_run(${runId}::uuid) as r`;
  return row!.r;
}

/**
 * Retries a failed run (pgflow.retry_run) and returns it, started again from
 * where it failed: completed steps keep their outputs, the tasks that did not
 * complete run again with fresh attempts, the steps downstream wait as in a
 * new run. A run that is not failed (cancelled included) is an error (55000),
 * an unknown one 42704.
 *
 * @example
 * try { await run.wait() } catch (err) {
 *   if (err instanceof RunFailedError) await retryRun(sql, run.runId) // after fixing the cause
 * }
 */
export async function retryRun<Output = unknown>(sql: Sql, runId: string): Promise<RunRow<Output>> {
  const [row] = await sql<{ r: RunRow<Output> }[]>`select to_jsonb(r) as r from pgflow.retry_run(${runId}::uuid) as r`;
  return row!.r;
}

/**
 * The input to store: validated by the flow's inputSchema when it has one (the
 * schema's output), as is otherwise. Rejects with FlowInputError.
 */
async function checkedInput(flow: AnyFlow, input: unknown): Promise<unknown> {
  if (flow.inputSchema === undefined) return input;
  const result = await validateWithSchema(flow.inputSchema, input);
  if (!result.ok) throw new FlowInputError(flow.slug, result.issues);
  return result.value;
}

/**
 * Starts a run of a flow (pgflow.start_flow) and returns a handle on it. It
 * listens to the flow's events before the run starts, so events() sees them all.
 * First, nothing started if either fails: the input is validated by the flow's
 * inputSchema (FlowInputError; the schema's output is stored), and, once per
 * flow on this client, the flow's shape is checked against the database
 * (FlowShapeError when it is not registered or differs).
 *
 * With `idempotencyKey` (1 to 255 characters), a second start of the flow
 * with the same key starts nothing and returns a handle on the first run
 * (its runId, not the one given), also when two processes start it at once;
 * the key is kept until the run is pruned. Events of a run started earlier
 * are not replayed.
 *
 * @example
 * const handle = await startFlow(sql, flow, { url: 'https://example.com' })
 * const output = await handle.wait({ timeoutMs: 60_000 })
 * const again = await startFlow(sql, flow, input, { idempotencyKey: `order-${orderId}` })
 */
export async function startFlow<F extends AnyFlow>(
  sql: Sql,
  flow: F,
  input: FlowInput<F>,
  options: { runId?: string; idempotencyKey?: string } = {},
): Promise<RunHandle<F>> {
  const value = await checkedInput(flow, input);
  await checkFlowShapeOnce(sql, flow);
  const runId = options.runId ?? randomUUID();
  const watcher = await RunWatcher.open<F>(sql, flow.slug, runId);
  let startedId: string;
  try {
    const [row] = await sql<{ run_id: string }[]>`
      select run_id from pgflow.start_flow(${flow.slug}, ${json(value)}::text::jsonb, ${runId}::uuid,
                                           ${options.idempotencyKey ?? null}::text)`;
    startedId = row!.run_id;
  } catch (err) {
    await watcher.close();
    throw err;
  }
  if (startedId === runId) return watcher;
  // the key's run, started before
  await watcher.close();
  return RunWatcher.open<F>(sql, flow.slug, startedId);
}

/**
 * Starts one run of a flow per input in one call and one transaction
 * (pgflow.start_flows): all of them or, if one input is bad, none. Returns the
 * run ids in the order of the inputs; watchRun() gives a handle on any of them.
 * For bulk starts (an import, a fan-out), much cheaper per run than startFlow.
 * Each input is validated and the shape checked first, as by startFlow
 * (FlowInputError names the first invalid input by its position).
 *
 * With `idempotencyKeys`, one per input (null: none), an input whose key a
 * run of the flow holds already, or an earlier input holds, starts nothing
 * and gets that run's id in its place.
 *
 * @example
 * const runIds = await startFlows(sql, flow, [{ url: 'https://a.example' }, { url: 'https://b.example' }])
 * await startFlows(sql, flow, orders, { idempotencyKeys: orders.map((o) => `order-${o.id}`) })
 */
export async function startFlows<F extends AnyFlow>(
  sql: Sql,
  flow: F,
  inputs: readonly FlowInput<F>[],
  options: { idempotencyKeys?: readonly (string | null)[] } = {},
): Promise<string[]> {
  const values: unknown[] = [];
  for (const [i, input] of inputs.entries()) {
    try {
      values.push(await checkedInput(flow, input));
    } catch (err) {
      if (!(err instanceof FlowInputError)) throw err;
      const issues = err.issues.map((issue) => ({ ...issue, path: [i, ...(issue.path ?? [])] }));
      throw new FlowInputError(flow.slug, issues);
    }
  }
  await checkFlowShapeOnce(sql, flow);
  const keys = options.idempotencyKeys === undefined ? null : JSON.stringify(options.idempotencyKeys);
  const rows = await sql<{ run_id: string }[]>`
    select run_id from pgflow.start_flows(${flow.slug}, ${JSON.stringify(values)}::text::jsonb,
      (select array_agg(k.e order by k.n)
         from jsonb_array_elements_text(${keys}::text::jsonb) with ordinality as k(e, n)))`;
  return rows.map((r) => r.run_id);
}

/**
 * Sends a signal to signal step `stepSlug` of a run (pgflow.send_signal): the
 * step completes with `payload` as its output and its dependents go on. Sent
 * before the step is ready (or while the run is paused), the signal is kept
 * and applied when it can be. Returns the step's state after the signal
 * (status 'completed' when applied, 'created' or 'started' when kept), or
 * null when the step had a signal already: the first one wins. Typed by the
 * flow: the slug must be one of its signal steps, the payload of that step's
 * type. Errors (PostgresError): an unknown run, or one of a flow this role
 * is no client of (42704); a step that is not a signal step (42809); a
 * finished run or a settled step (55000).
 *
 * @example
 * await sendSignal(sql, refund, runId, 'approve', { by: 'ann' })
 */
export async function sendSignal<F extends AnyFlow, S extends SignalSlugs<F>>(
  sql: Sql,
  flow: F,
  runId: string,
  stepSlug: S,
  payload: StepOutput<F, S>,
): Promise<StepStateRow | null> {
  const step = flow.getStep(stepSlug);
  if (step !== undefined && step.type !== 'signal') {
    throw new TypeError(`step "${stepSlug}" of flow "${flow.slug}" is a ${step.type} step, not a signal step`);
  }
  const [row] = await sql<{ s: StepStateRow }[]>`
    select to_jsonb(s) as s from pgflow.send_signal(${runId}::uuid, ${stepSlug}::text, ${json(payload)}::text::jsonb) as s`;
  return row === undefined ? null : row.s;
}

/**
 * A handle on a run that exists already, started from SQL for instance.
 * Events sent before it was created are not replayed.
 *
 * @example
 * const [{ run_id }] = await sql`select run_id from pgflow.start_flow('greet', '{}')`
 * const output = await watchRun(sql, flow, run_id).then((h) => h.wait())
 */
export async function watchRun<F extends AnyFlow>(sql: Sql, flow: F, runId: string): Promise<RunHandle<F>> {
  return RunWatcher.open<F>(sql, flow.slug, runId);
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

type Waiter = () => void;

class RunWatcher<F extends AnyFlow> implements RunHandle<F> {
  private readonly buffer: FlowEvent[] = [];
  private finished = false;
  private closed = false;
  private waiters: Waiter[] = [];
  private channel: { renew(): Promise<void>; leave(): void } | null = null;

  private constructor(
    private readonly sql: Sql,
    readonly flowSlug: string,
    readonly runId: string,
  ) {}

  static async open<F extends AnyFlow>(sql: Sql, flowSlug: string, runId: string): Promise<RunWatcher<F>> {
    const watcher = new RunWatcher<F>(sql, flowSlug, runId);
    // The flow's channel is shared by the client's handles (channels.ts): the
    // first one listens and subscribes, the next ones find it in place.
    watcher.channel = await joinChannel(sql, flowSlug, watcher);
    return watcher;
  }

  /** An event of this run (the channel hands each handle its run's events only). */
  onEvent(event: FlowEvent): void {
    if (this.finished) return;
    this.push(event);
  }

  private push(event: FlowEvent): void {
    this.buffer.push(event);
    if (isFinal(event.event)) {
      this.finished = true;
      void this.close();
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves at the next event (with `finalOnly`: at the run's last event), or after ms. */
  private next(ms: number, finalOnly = false): Promise<void> {
    return new Promise((resolve) => {
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      };
      const wake = () => {
        // Not the last event yet: wait on for it.
        if (finalOnly && !this.finished && !this.closed) return void this.waiters.push(wake);
        done();
      };
      const timer = setTimeout(done, ms);
      this.waiters.push(wake);
    });
  }

  /** Reads the run; when it has finished but its last event did not arrive (yet), makes that event up. */
  private async poll(): Promise<RunWithStates<FlowOutput<F>>> {
    await this.channel?.renew();
    const state = await getRun<FlowOutput<F>>(this.sql, this.runId);
    const status = state.run.status;
    if (status !== 'started' && status !== 'paused' && !this.finished) {
      await this.next(NOTIFY_GRACE_MS);
      if (!this.finished) {
        const failed = failedStep(state.steps);
        const event = `run:${status}` as const;
        this.push({
          event,
          topic: this.flowSlug,
          timestamp: Date.parse((state.run.completed_at ?? state.run.failed_at ?? state.run.cancelled_at)!) / 1000,
          payload: {
            event_type: event,
            run_id: this.runId,
            flow_slug: this.flowSlug,
            status,
            ...(status === 'completed'
              ? { completed_at: state.run.completed_at }
              : status === 'failed'
                ? { failed_at: state.run.failed_at, error_message: failed?.error_message ?? undefined }
                : { cancelled_at: state.run.cancelled_at, cancel_reason: state.run.cancel_reason ?? undefined }),
          },
        });
      }
    }
    return state;
  }

  async wait(options: { timeoutMs?: number } = {}): Promise<FlowOutput<F>> {
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    for (;;) {
      const finishedBefore = this.finished;
      const { run, steps } = await this.poll();
      if (run.status === 'completed') return run.output as FlowOutput<F>;
      if (run.status === 'failed') {
        const failed = failedStep(steps);
        throw new RunFailedError(this.runId, failed?.step_slug ?? null, failed?.error_message ?? null);
      }
      if (run.status === 'cancelled') throw new RunCancelledError(this.runId, run.cancel_reason);
      const left = deadline - Date.now();
      if (left <= 0) throw new RunTimeoutError(this.runId, options.timeoutMs!);
      // The last event came while the run was being read: read it again now.
      if (this.finished && !finishedBefore) continue;
      // Read again at the run's last event (the read stays the one source of
      // truth: no read per step event), or after POLL_MS (a paused run, a
      // notification missed).
      await this.next(Math.min(POLL_MS, left), true);
    }
  }

  async *events(): AsyncIterableIterator<FlowEvent> {
    let i = 0;
    let lastPoll = Date.now();
    for (;;) {
      while (i < this.buffer.length) {
        const event = this.buffer[i++]!;
        yield event;
        if (isFinal(event.event)) return;
      }
      if (this.closed && !this.finished) return;
      if (Date.now() - lastPoll >= POLL_MS) {
        lastPoll = Date.now();
        await this.poll();
        continue;
      }
      await this.next(POLL_MS - (Date.now() - lastPoll));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    this.channel?.leave();
    this.channel = null;
  }
}

/** The events after which a run sends no more. */
function isFinal(event: FlowEvent['event']): boolean {
  return event === 'run:completed' || event === 'run:failed' || event === 'run:cancelled';
}

function failedStep(steps: StepStateRow[]): StepStateRow | undefined {
  // The step whose failure failed the run is the one that failed first.
  return steps
    .filter((s) => s.status === 'failed')
    .sort((a, b) => Date.parse(a.failed_at!) - Date.parse(b.failed_at!))[0];
}
