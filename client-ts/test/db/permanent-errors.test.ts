// Permanent failures and Retry-After, as the worker and the engine do them
// together: a handler that throws PermanentError (or any error with
// retryable: false) fails its run at once; RetryAfterError sets the delay.
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlow, RunFailedError, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { PermanentError, RetryAfterError } from '../../src/worker/errors.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});
async function serve(...flows: Parameters<typeof startWorker>[0]['flows']) {
  workers.push(await startWorker({ sql: db.sql, flows, handleSignals: false, pollIntervalMs: 50, log: () => {} }));
}

describe('permanent failures', () => {
  it('PermanentError fails the run on the first of five attempts', { timeout: 20_000 }, async () => {
    let calls = 0;
    const flow = new Flow<{ card: string }>({ slug: 'perm_err', maxAttempts: 5, baseDelay: 0, timeout: 5 }).step(
      { slug: 'charge' },
      (input) => {
        calls++;
        throw new PermanentError(`card ${input.run.card} declined`);
      },
    );
    await registerFlow(db.sql, flow);
    await serve(flow);
    const run = await startFlow(db.sql, flow, { card: '4000' });
    const err = await run.wait({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    await run.close();
    expect(err).toBeInstanceOf(RunFailedError);
    expect(calls).toBe(1);
    const [task] = await db.sql<[{ attempts_count: number; status: string; error_message: string }]>`
      select attempts_count, status, error_message from pgflow.step_tasks where run_id = ${run.runId}::uuid`;
    expect(task).toMatchObject({ attempts_count: 1, status: 'failed', error_message: expect.stringMatching(/^PermanentError: card 4000 declined/) });
  });

  it('any error with retryable: false is permanent too', { timeout: 20_000 }, async () => {
    let calls = 0;
    const flow = new Flow({ slug: 'perm_flag', maxAttempts: 4, baseDelay: 0, timeout: 5 }).step({ slug: 'a' }, () => {
      calls++;
      throw Object.assign(new Error('schema mismatch'), { retryable: false });
    });
    await registerFlow(db.sql, flow);
    await serve(flow);
    const run = await startFlow(db.sql, flow, {});
    await expect(run.wait({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(RunFailedError);
    await run.close();
    expect(calls).toBe(1);
  });

  it('RetryAfterError delays the next attempt by its seconds, not the backoff', { timeout: 20_000 }, async () => {
    const at: number[] = [];
    // backoff would be 100 s: only retry_after brings the second attempt back in time
    const flow = new Flow({ slug: 'retry_after', maxAttempts: 3, baseDelay: 100, timeout: 5 }).step({ slug: 'a' }, (_i, { attempt }) => {
      at.push(Date.now());
      if (attempt === 1) throw new RetryAfterError('429 slow down', 1);
      return attempt;
    });
    await registerFlow(db.sql, flow);
    await serve(flow);
    const run = await startFlow(db.sql, flow, {});
    expect(await run.wait({ timeoutMs: 15_000 })).toEqual({ a: 2 });
    await run.close();
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000 - 50);
  });

  it('RetryAfterError rejects seconds outside 0 to a year', () => {
    expect(() => new RetryAfterError('x', -1)).toThrow(RangeError);
    expect(() => new RetryAfterError('x', 31_536_001)).toThrow(RangeError);
    expect(() => new RetryAfterError('x', Number.NaN)).toThrow(RangeError);
    expect(new RetryAfterError('x', 1.2).retryAfter).toBe(2);
  });
});
