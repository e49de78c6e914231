// The worker reports results in batches (pgflow.complete_tasks): results that
// come in while one batch is on its way go together in the next transaction.
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlow, startFlow, startFlows, watchRun } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

describe('result batches', () => {
  it('completes many tasks with fewer complete_tasks calls than tasks, each exactly once', { timeout: 60_000 }, async () => {
    const calls: number[] = [];
    // A client that counts the tasks of every complete_tasks call it sends.
    const sql = db.connect({
      debug: (_connection, query, parameters) => {
        if (query.includes('pgflow.complete_tasks(')) calls.push((JSON.parse(String(parameters[0])) as unknown[]).length);
      },
    });
    const flow = new Flow<number[]>({ slug: 'batches', baseDelay: 0, timeout: 30 })
      .map({ slug: 'square' }, (n) => n * n)
      .step({ slug: 'sum', dependsOn: ['square'] }, (input) => input.square.reduce((a, b) => a + b, 0));
    await registerFlow(db.sql, flow);
    const input = Array.from({ length: 200 }, (_, i) => i);
    const run = await startFlow(db.sql, flow, input);
    workers.push(await startWorker({ sql, flows: [flow], handleSignals: false, concurrency: 50, batchSize: 50, pollIntervalMs: 20 }));
    const output = await run.wait({ timeoutMs: 50_000 });
    await run.close();

    expect(output).toEqual({ sum: input.reduce((a, n) => a + n * n, 0) });
    const reported = calls.reduce((a, n) => a + n, 0);
    expect(reported).toBe(201); // every task once: 200 map tasks and the sum
    expect(calls.length).toBeLessThan(reported); // and some went together
    const [t] = await db.sql<{ n: number; completed: number }[]>`
      select count(*)::int as n, count(*) filter (where status = 'completed')::int as completed
        from pgflow.step_tasks where flow_slug = 'batches'`;
    expect(t).toEqual({ n: 201, completed: 201 });
  });

  it('startFlows starts a run per input, in order, and every one completes', { timeout: 60_000 }, async () => {
    const flow = new Flow<{ n: number }>({ slug: 'bulk', baseDelay: 0, timeout: 30 })
      .step({ slug: 'double' }, (input) => input.run.n * 2);
    await registerFlow(db.sql, flow);
    const runIds = await startFlows(db.sql, flow, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(runIds).toHaveLength(3);
    const inputs = await db.sql<{ run_id: string; n: number }[]>`
      select run_id, (input ->> 'n')::int as n from pgflow.runs where run_id = any(${runIds}::uuid[])`;
    expect(runIds.map((id) => inputs.find((r) => r.run_id === id)?.n)).toEqual([1, 2, 3]);

    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 20 }));
    const outputs = await Promise.all(runIds.map(async (id) => {
      const run = await watchRun(db.sql, flow, id);
      try { return await run.wait({ timeoutMs: 50_000 }); } finally { await run.close(); }
    }));
    expect(outputs).toEqual([{ double: 2 }, { double: 4 }, { double: 6 }]);
  });

  it('startFlows starts nothing when one input is bad', async () => {
    const flow = new Flow<number[]>({ slug: 'bulk_map' }).map({ slug: 'id' }, (n) => n);
    await registerFlow(db.sql, flow);
    await expect(startFlows(db.sql, flow, [[1], 2 as unknown as number[]])).rejects.toMatchObject({ code: 'P0001' });
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from pgflow.runs where flow_slug = 'bulk_map'`;
    expect(row?.n).toBe(0);
  });
});
