// Conditions and branches end to end: registered with registerFlow, run by the worker.
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, registerFlow, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();
let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

const orders = new Flow<{ total: number; express: boolean }>({ slug: 'cond_orders', baseDelay: 0 })
  .step({ slug: 'check' }, (input) => ({ big: input.run.total > 100 }))
  .branch({ slug: 'review', dependsOn: ['check'], runIf: { check: { big: true } } }, (b) =>
    b
      .step({ slug: 'approve' }, () => ({ approved: true }))
      .step({ slug: 'notify', dependsOn: ['approve'] }, (input) => `approved: ${input.approve?.approved}`),
  )
  .step({ slug: 'ship', dependsOn: ['check'], runUnless: { run: { express: false } } }, () => 'express')
  .step({ slug: 'invoice', dependsOn: ['check', 'approve'] }, (input) =>
    input.approve === undefined ? 'auto' : 'reviewed',
  );

describe('conditions through the worker', () => {
  it('runs a flow whose branch is skipped to completion, without the skipped leaves', { timeout: 30_000 }, async () => {
    await registerFlow(db.sql, orders);
    workers.push(await startWorker({ sql: db.sql, flows: [orders], handleSignals: false, pollIntervalMs: 50 }));

    const small = await startFlow(db.sql, orders, { total: 5, express: false });
    expect(await small.wait({ timeoutMs: 20_000 })).toEqual({ invoice: 'auto' });
    const { steps } = await getRun(db.sql, small.runId);
    expect(steps.map((s) => [s.step_slug, s.status, s.skip_reason])).toEqual([
      ['check', 'completed', null],
      ['approve', 'skipped', 'condition_unmet'],
      ['notify', 'skipped', 'condition_unmet'],
      ['ship', 'skipped', 'condition_unmet'],
      ['invoice', 'completed', null],
    ]);

    const big = await startFlow(db.sql, orders, { total: 500, express: true });
    expect(await big.wait({ timeoutMs: 20_000 })).toEqual({
      notify: 'approved: true',
      ship: 'express',
      invoice: 'reviewed',
    });
  });

  it('stores the conditions as add_step arguments', async () => {
    const [row] = await db.sql`select run_if, run_unless, when_unmet from pgflow.steps
                                where flow_slug = 'cond_orders' and step_slug = 'notify'`;
    expect(row).toEqual({ run_if: { check: { big: true } }, run_unless: null, when_unmet: 'skip' });
  });
});
