// Retries, backoff and timeouts, as the worker and the engine do them together.
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, registerFlow, RunFailedError, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});
async function serve(...flows: Parameters<typeof startWorker>[0]['flows']) {
  const worker = await startWorker({ sql: db.sql, flows, handleSignals: false, pollIntervalMs: 50 });
  workers.push(worker);
  return worker;
}

describe('retries', () => {
  it('retries with exponential backoff, then succeeds', { timeout: 30_000 }, async () => {
    const seen: Array<{ attempt: number; at: number }> = [];
    const flow = new Flow<{ v: string }>({ slug: 'flaky_then_ok', maxAttempts: 3, baseDelay: 1, timeout: 5 }).step(
      { slug: 'flaky' },
      (input, { attempt }) => {
        seen.push({ attempt, at: Date.now() });
        if (attempt < 3) throw new Error(`failure ${attempt}`);
        return `${input.run.v} on attempt ${attempt}`;
      },
    );
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, { v: 'ok' });
    expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ flaky: 'ok on attempt 3' });

    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    // Retry n waits baseDelay * 2^(n-1): 1 s, then 2 s.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000 - 50);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(2000 - 50);

    const [task] = await db.sql<[{ attempts_count: number; status: string; error_message: string }]>`
      select attempts_count, status, error_message from pgflow.step_tasks where run_id = ${handle.runId}::uuid`;
    expect(task).toMatchObject({ attempts_count: 3, status: 'completed', error_message: expect.stringMatching(/^Error: failure 2\n    at /) });
  });

  it('fails the run once attempts are exhausted: wait() names the step and its error', { timeout: 30_000 }, async () => {
    let calls = 0;
    const flow = new Flow({ slug: 'always_fails', maxAttempts: 2, baseDelay: 0, timeout: 5 })
      .step({ slug: 'fine' }, () => 1)
      .step({ slug: 'broken', dependsOn: ['fine'] }, () => {
        calls++;
        throw new Error('disk on fire');
      })
      .step({ slug: 'never', dependsOn: ['broken'] }, () => 2);
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, {});
    const err = await handle.wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFailedError);
    // Stored with the error's name and the first frames of its stack.
    expect(err).toMatchObject({ runId: handle.runId, stepSlug: 'broken', errorMessage: expect.stringMatching(/^Error: disk on fire\n    at /) });
    expect((err as Error).message).toMatch(new RegExp(`^run ${handle.runId} failed: step "broken" failed: Error: disk on fire\n`));
    expect(calls).toBe(2);

    const { run, steps } = await getRun(db.sql, handle.runId);
    expect(run.status).toBe('failed');
    expect(steps.map((s) => [s.step_slug, s.status])).toEqual([
      ['fine', 'completed'],
      ['broken', 'failed'],
      ['never', 'created'],
    ]);
  });

  it('a thrown non-Error is reported as its string', { timeout: 30_000 }, async () => {
    const flow = new Flow({ slug: 'throws_string', maxAttempts: 1, baseDelay: 0, timeout: 5 }).step({ slug: 's' }, () => {
      throw 'plain string'; // eslint-disable-line no-throw-literal
    });
    await registerFlow(db.sql, flow);
    await serve(flow);
    const err = await (await startFlow(db.sql, flow, {})).wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ stepSlug: 's', errorMessage: 'plain string' });
  });

  it('aborts a handler that outlives its timeout, fails the attempt and retries', { timeout: 30_000 }, async () => {
    const aborted: Array<{ attempt: number; after: number; reason: string }> = [];
    const flow = new Flow({ slug: 'slow_once', maxAttempts: 2, baseDelay: 0, timeout: 1 }).step(
      { slug: 'slow' },
      async (_input, { attempt, signal }) => {
        if (attempt > 1) return 'second time lucky';
        const started = Date.now();
        return new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted.push({ attempt, after: Date.now() - started, reason: String((signal.reason as Error).message) });
            reject(signal.reason);
          });
        });
      },
    );
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, {});
    expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ slow: 'second time lucky' });
    expect(aborted).toHaveLength(1);
    expect(aborted[0]!.attempt).toBe(1);
    expect(aborted[0]!.after).toBeGreaterThanOrEqual(950);
    expect(aborted[0]!.after).toBeLessThan(2500);
    expect(aborted[0]!.reason).toContain('timed out');

    const [task] = await db.sql<[{ attempts_count: number; error_message: string }]>`
      select attempts_count, error_message from pgflow.step_tasks where run_id = ${handle.runId}::uuid`;
    expect(task.attempts_count).toBe(2);
    expect(task.error_message).toMatch(/^timed out: handler of step "slow" ran longer than 1 s$/);
  });

  it('a handler that ignores the abort is failed at its timeout all the same; its late result is ignored', { timeout: 30_000 }, async () => {
    let lateResults = 0;
    const flow = new Flow({ slug: 'ignores_abort', maxAttempts: 1, baseDelay: 0, timeout: 1 }).step(
      { slug: 'stubborn' },
      async () => {
        await new Promise((r) => setTimeout(r, 2000));
        lateResults++;
        return 'too late';
      },
    );
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, {});
    const err = await handle.wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ stepSlug: 'stubborn' });
    expect((err as RunFailedError).errorMessage).toContain('timed out');
    await new Promise((r) => setTimeout(r, 1500));
    expect(lateResults).toBe(1);
    const { run, steps } = await getRun(db.sql, handle.runId);
    expect(run.status).toBe('failed');
    expect(steps[0]!.output).toBeNull();
  });
});
