// OpenTelemetry for the worker: one span per task, through @opentelemetry/api,
// an optional peer dependency. It is imported once, dynamically, the first
// time a task runs; when it is not installed, every task after that costs
// one check of a variable. When it is installed but the app registered no
// tracer provider, the API's spans are no-ops.
//
// The span: name "<flow>.<step>", kind CONSUMER (the task came from a queue),
// attributes pgflow.flow, pgflow.step, pgflow.run_id, pgflow.task_index,
// pgflow.attempt and, once it ended, pgflow.task.outcome (completed, failed,
// retried, dropped, abandoned); status ERROR with the error recorded as an
// exception when the task failed. The handler runs inside it, so the spans it
// makes (HTTP calls, queries) are its children.
//
// No type of @opentelemetry/api appears here: the few calls used are typed
// below, so that the package's types do not need it installed.
import type { TaskRecord } from './db.js';

type Attributes = Record<string, string | number | boolean>;
interface Span {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: unknown): unknown;
  end(): void;
}
interface OtelApi {
  trace: {
    getTracer(name: string, version?: string): {
      startSpan(name: string, options: { kind: number; attributes: Attributes }): Span;
    };
    setSpan(context: unknown, span: Span): unknown;
  };
  context: { active(): unknown; with<T>(context: unknown, fn: () => T): T };
  SpanKind: { CONSUMER: number };
  SpanStatusCode: { ERROR: number };
}

export type TaskOutcome = 'completed' | 'failed' | 'retried' | 'dropped' | 'abandoned';

/** A task's span, as the runner sees it. */
export interface TaskTrace {
  /** Runs the handler inside the span, so that its own spans are children. */
  wrap<T>(fn: () => T): T;
  /** Records how the task ended; an error sets the span's status to ERROR. */
  outcome(outcome: TaskOutcome, error?: unknown): void;
}

const SPECIFIER = '@opentelemetry/api';
let api: OtelApi | null | undefined; // undefined: not looked for yet; null: not installed
let loading: Promise<void> | undefined;

function load(): Promise<void> {
  loading ??= (import(SPECIFIER) as Promise<OtelApi & { default?: OtelApi }>).then(
    (m) => void (api = m.trace ? m : (m.default ?? null)),
    () => void (api = null),
  );
  return loading;
}

/** For tests: forget what was loaded (or pretend the API is absent: null). */
export function resetTracing(use?: null): void {
  api = use === null ? null : undefined;
  loading = use === null ? Promise.resolve() : undefined;
}

/** Runs `work` (one task) inside a span when @opentelemetry/api is installed; the span ends with it. */
export async function traced<T>(flow: string, task: TaskRecord, work: (trace: TaskTrace | undefined) => Promise<T>): Promise<T> {
  if (api === undefined) await load();
  if (!api) return work(undefined);
  const otel = api;
  const span = otel.trace.getTracer('pgflow-ts').startSpan(`${flow}.${task.step_slug}`, {
    kind: otel.SpanKind.CONSUMER,
    attributes: {
      'pgflow.flow': flow,
      'pgflow.step': task.step_slug,
      'pgflow.run_id': task.run_id,
      'pgflow.task_index': task.task_index,
      'pgflow.attempt': task.attempts_count,
    },
  });
  const trace: TaskTrace = {
    wrap: (fn) => otel.context.with(otel.trace.setSpan(otel.context.active(), span), fn),
    outcome(outcome, error) {
      span.setAttribute('pgflow.task.outcome', outcome);
      if (error === undefined) return;
      span.recordException(error instanceof Error ? error : { message: String(error) });
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    },
  };
  try {
    return await work(trace);
  } catch (err) {
    trace.outcome('failed', err);
    throw err;
  } finally {
    span.end();
  }
}
