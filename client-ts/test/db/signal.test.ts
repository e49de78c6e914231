// Signal steps: a -> approve (signal) -> b runs to completion once sendSignal
// completes approve; the worker never gets a task for it.
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, registerFlow, sendSignal, startFlow } from '../../src/client/client.js';
import { compileFlow } from '../../src/compile/compile.js';
import { Flow, signalPayload } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

const refund = new Flow<{ amount: number }>({ slug: 'sig_refund', baseDelay: 0, timeout: 30 })
  .step({ slug: 'quote' }, (input) => ({ amount: input.run.amount }))
  .signal({ slug: 'approve', dependsOn: ['quote'], payload: signalPayload<{ by: string }>() })
  .step({ slug: 'pay', dependsOn: ['approve', 'quote'] }, (input) => `${input.quote.amount} approved by ${input.approve.by}`);

describe('signal steps', () => {
  it('compiles to step_type signal', () => {
    expect(compileFlow(refund)).toContain('{"slug": "approve", "type": "signal", "deps": ["quote"]}');
  });

  it('a -> signal -> b completes after sendSignal, and the worker never gets the signal step', { timeout: 30_000 }, async () => {
    await registerFlow(db.sql, refund);
    workers.push(await startWorker({ sql: db.sql, flows: [refund], handleSignals: false, pollIntervalMs: 20 }));
    const run = await startFlow(db.sql, refund, { amount: 5 });
    // quote completes, then approve waits
    for (let i = 0; i < 200; i++) {
      const { steps } = await getRun(db.sql, run.runId);
      if (steps.find((s) => s.step_slug === 'approve')?.status === 'started') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const { steps } = await getRun(db.sql, run.runId);
    expect(steps.map((s) => [s.step_slug, s.status])).toEqual([
      ['quote', 'completed'],
      ['approve', 'started'],
      ['pay', 'created'],
    ]);

    const state = await sendSignal(db.sql, refund, run.runId, 'approve', { by: 'ann' });
    expect(state).toMatchObject({ step_slug: 'approve', status: 'completed', output: { by: 'ann' } });
    await expect(run.wait({ timeoutMs: 20_000 })).resolves.toEqual({ pay: '5 approved by ann' });
    await run.close();
    expect(await sendSignal(db.sql, refund, run.runId, 'approve', { by: 'bob' })).toBeNull();
    const [tasks] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from pgflow.step_tasks where run_id = ${run.runId} and step_slug = 'approve'`;
    expect(tasks?.n).toBe(0);
  });

  it('a signal sent before its step is ready is kept and applied', { timeout: 30_000 }, async () => {
    await registerFlow(db.sql, refund);
    const run = await startFlow(db.sql, refund, { amount: 7 });
    const kept = await sendSignal(db.sql, refund, run.runId, 'approve', { by: 'cy' });
    expect(kept).toMatchObject({ status: 'created' });
    workers.push(await startWorker({ sql: db.sql, flows: [refund], handleSignals: false, pollIntervalMs: 20 }));
    await expect(run.wait({ timeoutMs: 20_000 })).resolves.toEqual({ pay: '7 approved by cy' });
    await run.close();
  });

  it('a step that is not a signal step is an error', async () => {
    await registerFlow(db.sql, refund);
    const run = await startFlow(db.sql, refund, { amount: 1 });
    await expect(
      sendSignal(db.sql, refund, run.runId, 'quote' as 'approve', { by: 'x' }),
    ).rejects.toThrow('step "quote" of flow "sig_refund" is a single step, not a signal step');
    await expect(sendSignal(db.sql, refund, '00000000-0000-4000-8000-000000000000', 'approve', { by: 'x' }))
      .rejects.toMatchObject({ code: '42704' });
    await run.close();
  });
});
