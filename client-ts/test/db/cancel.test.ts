// Cancel, pause and resume through the client, with a worker at work on the run.
import { afterEach, describe, expect, it } from 'vitest';
import {
  cancelRun,
  getRun,
  pauseRun,
  registerFlow,
  resumeRun,
  RunCancelledError,
  RunTimeoutError,
  startFlow,
} from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker, type WorkerLogger } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();
const fast = { baseDelay: 0, timeout: 30 };

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

/** A promise and the function that resolves it. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves once check() holds, reading every 50 ms. */
async function until(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

describe('cancel, pause, resume', () => {
  it('cancels a run while the worker works on it', { timeout: 30_000 }, async () => {
    const entered = signal();
    const release = signal();
    const dropped = signal();
    const started: string[] = [];
    const flow = new Flow<{ n: number }>({ slug: 'cancel_me', ...fast })
      .step({ slug: 'slow' }, async (input) => {
        started.push('slow');
        entered.resolve();
        await release.promise;
        return input.run.n;
      })
      .step({ slug: 'next', dependsOn: ['slow'] }, (input) => {
        started.push('next');
        return input.slow + 1;
      });
    await registerFlow(db.sql, flow);
    const log: WorkerLogger = (level, message) => {
      if (level === 'debug' && message.startsWith('task result not recorded')) dropped.resolve();
    };
    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50, log }));

    const handle = await startFlow(db.sql, flow, { n: 1 });
    // caught at once: wait() may reject before cancelRun's own reply is read
    const waiting = handle.wait({ timeoutMs: 25_000 }).catch((e: unknown) => e);
    await entered.promise;

    const run = await cancelRun(db.sql, handle.runId, 'user asked');
    expect(run).toMatchObject({ run_id: handle.runId, status: 'cancelled', cancel_reason: 'user asked', paused_at: null });
    expect(typeof run.cancelled_at).toBe('string');

    const err = await waiting;
    expect(err).toBeInstanceOf(RunCancelledError);
    expect(err).toMatchObject({ runId: handle.runId, reason: 'user asked' });

    // The handler finishes; its result is dropped without an error.
    release.resolve();
    await dropped.promise;
    const { run: after, steps } = await getRun(db.sql, handle.runId);
    expect(after.status).toBe('cancelled');
    expect(steps.map((s) => [s.step_slug, s.status])).toEqual([
      ['slow', 'cancelled'],
      ['next', 'cancelled'],
    ]);
    expect(started).toEqual(['slow']);
    const open = await db.sql`select 1 from pgflow.step_tasks where run_id = ${handle.runId}::uuid and status <> 'cancelled'`;
    expect(open.length).toBe(0);
  });

  it('pauses a run, keeps the result of its started task, and completes it once resumed', { timeout: 30_000 }, async () => {
    const entered = signal();
    const release = signal();
    const flow = new Flow<{ n: number }>({ slug: 'pause_me', ...fast })
      .step({ slug: 'first' }, async (input) => {
        entered.resolve();
        await release.promise;
        return input.run.n * 2;
      })
      .step({ slug: 'second', dependsOn: ['first'] }, (input) => input.first + 1);
    await registerFlow(db.sql, flow);
    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50 }));

    const handle = await startFlow(db.sql, flow, { n: 20 });
    await entered.promise;
    expect(await pauseRun(db.sql, handle.runId)).toMatchObject({ status: 'paused' });

    release.resolve();
    await until(async () => (await getRun(db.sql, handle.runId)).steps[0]!.status === 'completed');
    const paused = await getRun(db.sql, handle.runId);
    expect(paused.run.status).toBe('paused');
    expect(paused.steps.map((s) => [s.step_slug, s.status, s.output])).toEqual([
      ['first', 'completed', 40],
      ['second', 'created', null],
    ]);
    // A paused run is waited for, not given up on.
    await expect(handle.wait({ timeoutMs: 200 })).rejects.toBeInstanceOf(RunTimeoutError);

    expect(await resumeRun(db.sql, handle.runId)).toMatchObject({ status: 'started', paused_at: null });
    expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ second: 41 });
  });

  it('refuses to cancel, pause or resume a finished run', { timeout: 30_000 }, async () => {
    const flow = new Flow<{ n: number }>({ slug: 'finished', ...fast }).step({ slug: 'only' }, (input) => input.run.n);
    await registerFlow(db.sql, flow);
    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50 }));
    const handle = await startFlow(db.sql, flow, { n: 3 });
    await handle.wait({ timeoutMs: 20_000 });

    for (const call of [cancelRun, pauseRun, resumeRun]) {
      await expect(call(db.sql, handle.runId)).rejects.toMatchObject({ code: '55000' });
    }
  });
});
