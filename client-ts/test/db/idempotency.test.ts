// Idempotent starts: startFlow with an idempotencyKey starts a flow once per key.
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlow, startFlow, startFlows } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

describe('idempotency keys', () => {
  it('a second startFlow with the key returns a handle on the first run', { timeout: 30_000 }, async () => {
    const flow = new Flow<{ order: number }>({ slug: 'idem_orders', baseDelay: 0, timeout: 30 })
      .step({ slug: 'charge' }, (input) => ({ charged: input.run.order }));
    await registerFlow(db.sql, flow);
    const first = await startFlow(db.sql, flow, { order: 1 }, { idempotencyKey: 'order-1' });
    const second = await startFlow(db.sql, flow, { order: 2 }, { idempotencyKey: 'order-1' });
    expect(second.runId).toBe(first.runId);
    const other = await startFlow(db.sql, flow, { order: 2 }, { idempotencyKey: 'order-2' });
    expect(other.runId).not.toBe(first.runId);

    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 20 }));
    await expect(second.wait({ timeoutMs: 20_000 })).resolves.toEqual({ charge: { charged: 1 } });
    await Promise.all([first.close(), second.close(), other.close()]);
    const [row] = await db.sql<{ n: number; key: string }[]>`
      select count(*)::int as n, min(idempotency_key) as key from pgflow.runs where flow_slug = 'idem_orders'`;
    expect(row).toEqual({ n: 2, key: 'order-1' });
  });

  it('an empty key is an error (22023) and starts nothing', async () => {
    const flow = new Flow({ slug: 'idem_empty' }).step({ slug: 'a' }, () => 1);
    await registerFlow(db.sql, flow);
    await expect(startFlow(db.sql, flow, {}, { idempotencyKey: '' })).rejects.toMatchObject({ code: '22023' });
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from pgflow.runs where flow_slug = 'idem_empty'`;
    expect(row?.n).toBe(0);
  });

  it('startFlows takes a key per input, null for none', async () => {
    const flow = new Flow<{ n: number }>({ slug: 'idem_bulk' }).step({ slug: 'a' }, (input) => input.run.n);
    await registerFlow(db.sql, flow);
    const ids = await startFlows(db.sql, flow, [{ n: 1 }, { n: 2 }, { n: 3 }], { idempotencyKeys: ['k1', null, 'k1'] });
    expect(ids[2]).toBe(ids[0]);
    expect(ids[1]).not.toBe(ids[0]);
    const again = await startFlows(db.sql, flow, [{ n: 4 }], { idempotencyKeys: ['k1'] });
    expect(again).toEqual([ids[0]]);
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from pgflow.runs where flow_slug = 'idem_bulk'`;
    expect(row?.n).toBe(2);
  });
});
