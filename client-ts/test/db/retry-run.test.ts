// retryRun against the real engine: a run that failed (a permanent error in
// one step) is retried once the cause is mended, goes on from where it
// failed and completes; the completed step does not run again.
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, registerFlow, retryRun, RunFailedError, startFlow, watchRun } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { PermanentError } from '../../src/worker/errors.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

describe('retryRun', () => {
  it('re-runs a failed run from where it failed, to completion', { timeout: 30_000 }, async () => {
    const calls = { fetch: 0, parse: 0 };
    let broken = true;
    const flow = new Flow<{ url: string }>({ slug: 'retry_run_ts', maxAttempts: 3, baseDelay: 0, timeout: 5 })
      .step({ slug: 'fetch' }, (input) => {
        calls.fetch++;
        return { html: `<p>${input.run.url}</p>` };
      })
      .step({ slug: 'parse', dependsOn: ['fetch'] }, (input) => {
        calls.parse++;
        if (broken) throw new PermanentError('parser is broken');
        return input.fetch.html.length;
      });
    await registerFlow(db.sql, flow);
    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50, log: () => {} }));

    const run = await startFlow(db.sql, flow, { url: 'x' });
    await expect(run.wait({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(RunFailedError);
    await run.close();
    expect(calls).toEqual({ fetch: 1, parse: 1 });

    broken = false; // the fix is deployed
    const retried = await retryRun(db.sql, run.runId);
    expect(retried).toMatchObject({ run_id: run.runId, status: 'started', failed_at: null });
    const again = await watchRun(db.sql, flow, run.runId);
    expect(await again.wait({ timeoutMs: 10_000 })).toEqual({ parse: 8 });
    await again.close();
    expect(calls).toEqual({ fetch: 1, parse: 2 });

    const [broken_] = await db.sql`select count(*)::int as n from pgflow.check_invariants(${run.runId}::uuid)`;
    expect(broken_).toEqual({ n: 0 });
    expect((await getRun(db.sql, run.runId)).run.status).toBe('completed');
  });

  it('rejects a run that is not failed (55000) and an unknown run (42704)', async () => {
    const flow = new Flow({ slug: 'retry_run_rej' }).step({ slug: 'a' }, () => 1);
    await registerFlow(db.sql, flow);
    const run = await startFlow(db.sql, flow, {});
    await run.close();
    await expect(retryRun(db.sql, run.runId)).rejects.toMatchObject({
      code: '55000',
      message: `run "${run.runId}" is started and cannot be retried`,
    });
    await expect(retryRun(db.sql, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: '42704' });
  });
});
