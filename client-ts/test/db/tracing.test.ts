// OpenTelemetry in the worker: a span per task through @opentelemetry/api (a
// devDependency here, an optional peer dependency of the package), recorded
// by a tracer provider of the test's own; and nothing at all without the API.
import { AsyncLocalStorage } from 'node:async_hooks';
import { trace, context, ROOT_CONTEXT, SpanStatusCode, type Context, type ContextManager, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { registerFlow, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { resetTracing } from '../../src/worker/tracing.js';
import { startWorker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

interface Recorded {
  name: string;
  kind: number | undefined;
  attributes: Record<string, unknown>;
  status?: { code: number; message?: string };
  exceptions: unknown[];
  ended: boolean;
  childOfTask?: string;
}
const spans: Recorded[] = [];

/** A tracer whose spans are plain records (the API alone makes no-op spans). */
const tracer: Tracer = {
  startSpan(name, options, ctx) {
    const parent = trace.getSpan(ctx ?? context.active()) as (Span & { rec?: Recorded }) | undefined;
    const rec: Recorded = { name, kind: options?.kind, attributes: { ...options?.attributes }, exceptions: [], ended: false };
    if (parent?.rec) rec.childOfTask = parent.rec.name;
    spans.push(rec);
    const span = {
      rec,
      spanContext: () => ({ traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', traceFlags: 1 }),
      setAttribute: (k: string, v: unknown) => ((rec.attributes[k] = v), span),
      setAttributes: (a: Record<string, unknown>) => (Object.assign(rec.attributes, a), span),
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus: (s: { code: number; message?: string }) => ((rec.status = s), span),
      updateName: () => span,
      end: () => void (rec.ended = true),
      isRecording: () => true,
      recordException: (e: unknown) => void rec.exceptions.push(e),
    };
    return span as unknown as Span;
  },
  startActiveSpan: (() => {
    throw new Error('unused');
  }) as Tracer['startActiveSpan'],
};
const provider: TracerProvider = { getTracer: () => tracer };
/** What an SDK registers so that context.with() carries the active span across awaits. */
const storage = new AsyncLocalStorage<Context>();
const contextManager: ContextManager = {
  active: () => storage.getStore() ?? ROOT_CONTEXT,
  with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
  bind: (_ctx, target) => target,
  enable: () => contextManager,
  disable: () => contextManager,
};

afterAll(() => {
  trace.disable();
  context.disable();
  resetTracing();
});

describe('OpenTelemetry', () => {
  it('makes a span per task with flow, step, run, attempt and error status; handler spans are its children', { timeout: 30_000 }, async () => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(contextManager);
    resetTracing();
    let calls = 0;
    const flow = new Flow<{ n: number }>({ slug: 'traced', maxAttempts: 2, baseDelay: 0, timeout: 5 })
      .step({ slug: 'flaky' }, (input) => {
        calls++;
        trace.getTracer('app').startSpan('inside-handler').end();
        if (calls === 1) throw new Error('first attempt fails');
        return input.run.n;
      })
      .step({ slug: 'after', dependsOn: ['flaky'] }, (input) => input.flaky + 1);
    await registerFlow(db.sql, flow);
    const worker = await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 20 });
    try {
      const run = await startFlow(db.sql, flow, { n: 41 });
      expect(await run.wait({ timeoutMs: 20_000 })).toEqual({ after: 42 });
      const tasks = spans.filter((s) => s.name.startsWith('traced.'));
      expect(tasks.map((s) => [s.name, s.attributes['pgflow.attempt'], s.attributes['pgflow.task.outcome']])).toEqual([
        ['traced.flaky', 1, 'retried'],
        ['traced.flaky', 2, 'completed'],
        ['traced.after', 1, 'completed'],
      ]);
      expect(tasks[0]).toMatchObject({
        kind: 4, // SpanKind.CONSUMER
        attributes: { 'pgflow.flow': 'traced', 'pgflow.step': 'flaky', 'pgflow.run_id': run.runId, 'pgflow.task_index': 0 },
        status: { code: SpanStatusCode.ERROR, message: 'first attempt fails' },
        ended: true,
      });
      expect(tasks[0]!.exceptions).toHaveLength(1);
      expect(tasks[1]!.status).toBeUndefined();
      expect(tasks.every((s) => s.ended)).toBe(true);
      expect(spans.filter((s) => s.name === 'inside-handler').map((s) => s.childOfTask)).toEqual(['traced.flaky', 'traced.flaky']);
    } finally {
      await worker.stop();
    }
  });

  it('costs nothing without @opentelemetry/api: tasks run, no span is made', { timeout: 30_000 }, async () => {
    resetTracing(null); // as if the package were not installed
    const before = spans.length;
    const flow = new Flow<{ n: number }>({ slug: 'untraced', timeout: 5 }).step({ slug: 'one' }, (input) => input.run.n);
    await registerFlow(db.sql, flow);
    const worker = await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 20 });
    try {
      const run = await startFlow(db.sql, flow, { n: 7 });
      expect(await run.wait({ timeoutMs: 20_000 })).toEqual({ one: 7 });
      expect(spans.length).toBe(before);
    } finally {
      await worker.stop();
    }
  });
});
