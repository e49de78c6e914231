// The worker close to the SQL: a task's slot is free once its handler ended
// (its result goes to the database meanwhile, in batches, two on their way at
// most), quick handlers make it read ahead (one read fetches a batch, the
// tasks beyond the free slots wait in the worker for a slot), and none of it
// runs more handlers at once than `concurrency`.
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlow, startFlows } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { sleep, until, useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

/** A client whose statements are counted by kind: reads (start_tasks) with their limit, complete_tasks with their size. */
function countingClient() {
  const reads: number[] = [];
  const completes: number[] = [];
  const sql = db.connect({
    debug: (_conn: number, query: string, params: unknown[]) => {
      // readTasks: (flow, flow, visibility, limit, worker id); complete_tasks: the results as JSON text
      if (query.includes('pgflow.start_tasks')) reads.push(Number(params[3]));
      else if (query.includes('pgflow.complete_tasks')) {
        completes.push(params.map((p) => (String(p).match(/"run_id"/g) ?? []).length).reduce((a, b) => a + b, 0));
      }
    },
  });
  return { sql, reads, completes };
}

async function completedRuns(slug: string): Promise<number> {
  const [r] = await db.sql<{ n: number }[]>`select count(*)::int as n from pgflow.runs where flow_slug = ${slug} and status = 'completed'`;
  return r!.n;
}

describe('worker throughput', () => {
  it('quick handlers: reads ahead up to batchSize, never more than concurrency handlers at once, every job done', { timeout: 60_000 }, async () => {
    let running = 0;
    let most = 0;
    const flow = new Flow<{ i: number }>({ slug: 'jobs_quick' }).step({ slug: 'job' }, async (input) => {
      most = Math.max(most, ++running);
      await Promise.resolve();
      running--;
      return input.run.i;
    });
    await registerFlow(db.sql, flow);
    await startFlows(db.sql, flow, Array.from({ length: 600 }, (_, i) => ({ i })));
    const { sql, reads, completes } = countingClient();
    workers.push(await startWorker({ sql, flows: [flow], concurrency: 4, handleSignals: false }));
    await until(async () => (await completedRuns('jobs_quick')) === 600, 30_000, 'every job');
    expect(most).toBeLessThanOrEqual(4);
    expect(reads[0]).toBe(4); // no handler had ended yet: the free slots only
    expect(Math.max(...reads)).toBe(12); // then batchSize (3 * concurrency) per read
    expect(Math.max(...completes)).toBeGreaterThan(4); // results of more than one read per complete_tasks
    const [t] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from pgflow.step_tasks where flow_slug = 'jobs_quick' and status <> 'completed'`;
    expect(t!.n).toBe(0);
  });

  it('slow handlers: reads no more than the free slots', { timeout: 60_000 }, async () => {
    let running = 0;
    let most = 0;
    const flow = new Flow<{ i: number }>({ slug: 'jobs_slow' }).step({ slug: 'job' }, async (input) => {
      most = Math.max(most, ++running);
      await sleep(40);
      running--;
      return input.run.i;
    });
    await registerFlow(db.sql, flow);
    await startFlows(db.sql, flow, Array.from({ length: 12 }, (_, i) => ({ i })));
    const { sql, reads } = countingClient();
    workers.push(await startWorker({ sql, flows: [flow], concurrency: 3, handleSignals: false }));
    await until(async () => (await completedRuns('jobs_slow')) === 12, 30_000, 'every job');
    expect(most).toBe(3);
    expect(Math.max(...reads)).toBeLessThanOrEqual(3);
  });

  it('stop() lets the tasks queued for a slot run too: nothing is left started', { timeout: 60_000 }, async () => {
    const flow = new Flow<{ i: number }>({ slug: 'jobs_stop' }).step({ slug: 'job' }, (input) => input.run.i);
    await registerFlow(db.sql, flow);
    await startFlows(db.sql, flow, Array.from({ length: 300 }, (_, i) => ({ i })));
    const worker = await startWorker({ sql: db.sql, flows: [flow], concurrency: 2, handleSignals: false });
    await until(async () => (await completedRuns('jobs_stop')) >= 20, 30_000, 'some jobs');
    await worker.stop();
    const [t] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from pgflow.step_tasks where flow_slug = 'jobs_stop' and status = 'started'`;
    expect(t!.n).toBe(0);
  });
});
