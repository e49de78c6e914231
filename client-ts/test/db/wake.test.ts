// The worker wakes on new tasks (LISTEN pgflow_tasks, notified by
// pgflow._wake_workers) instead of polling: handlers start within
// milliseconds, runs do not wait for the poll interval, an idle worker sends
// few queries, and no wake-up is lost.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlow, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { sqlWorkerDb } from '../../src/worker/db.js';
import { startWorker, type Worker, type WorkerOptions } from '../../src/worker/worker.js';
import { sleep, until, useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});
async function serve(options: Partial<WorkerOptions> & Pick<WorkerOptions, 'flows'>) {
  const worker = await startWorker({ sql: db.sql, handleSignals: false, ...options });
  workers.push(worker);
  await sleep(200); // its LISTEN and probe in place
  return worker;
}

function linear(slug: string, steps: number, onStart: (step: number) => void) {
  // Built in a loop, so typed loosely: the steps' slugs are not known to the compiler.
  let flow = new Flow<{ i: number }>({ slug }).step({ slug: 's1' }, () => (onStart(1), 1)) as unknown as Flow<{ i: number }>;
  for (let i = 2; i <= steps; i++) {
    flow = (flow as unknown as { step: (o: object, h: () => number) => unknown }).step({ slug: `s${i}`, dependsOn: [`s${i - 1}`] }, () => (onStart(i), i)) as Flow<{ i: number }>;
  }
  return flow;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function waitForRun(runId: string, timeoutMs = 5000) {
  await until(
    async () => {
      const [r] = await db.sql<{ status: string }[]>`select status from pgflow.runs where run_id = ${runId}::uuid`;
      return r?.status === 'completed' ? r : undefined;
    },
    timeoutMs,
    `run ${runId} to complete`,
  );
}

describe('wake on work', () => {
  it('starts a handler within milliseconds of start_flow, long before the poll interval', { timeout: 30_000 }, async () => {
    const starts: number[] = [];
    const flow = new Flow<{ t: number }>({ slug: 'wake_one' }).step({ slug: 'a' }, () => starts.push(performance.now()));
    await registerFlow(db.sql, flow);
    await serve({ flows: [flow], pollIntervalMs: 60_000 }); // a poll would come after a minute
    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await startFlow(db.sql, flow, { t: i });
      await until(() => starts.length === i + 1, 5000, 'the handler');
      lags.push(starts[i]! - t0);
    }
    expect(median(lags)).toBeLessThan(100);
  });

  it('runs a 5-step linear flow end to end with default options without waiting for polls', { timeout: 30_000 }, async () => {
    const flow = linear('wake_linear', 5, () => {});
    await registerFlow(db.sql, flow);
    await serve({ flows: [flow] }); // default options: fallback poll every 2 s
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const run = await startFlow(db.sql, flow, { i });
      await waitForRun(run.runId);
      await run.close();
      times.push(performance.now() - t0);
    }
    // Five polls at the default interval would take 10 s; waitForRun's own polling adds up to 50 ms.
    expect(median(times)).toBeLessThan(500);
  });

  it('loses no wake-up: every one of many runs started at random moments completes at once', { timeout: 30_000 }, async () => {
    let done = 0;
    const flow = linear('wake_race', 2, (step) => {
      if (step === 2) done++;
    });
    await registerFlow(db.sql, flow);
    const other = db.connect({ max: 4 });
    await serve({ flows: [flow], pollIntervalMs: 60_000, batchSize: 2 }); // a lost wake-up would wait a minute
    await Promise.all(
      Array.from({ length: 4 }, async (_, k) => {
        for (let i = 0; i < 10; i++) {
          await sleep(Math.random() * 5);
          await startFlow(other, flow, { i: k * 100 + i });
        }
      }),
    );
    await until(() => done === 40, 10_000, 'all 40 runs');
  });

  it('its own complete_tasks wakes nobody: a run notifies once, at start_flow', { timeout: 30_000 }, async () => {
    const payloads: string[] = [];
    const listener = db.connect({ max: 1 });
    await listener.listen('pgflow_tasks', (p) => payloads.push(p));
    const flow = linear('wake_quiet', 3, () => {});
    await registerFlow(db.sql, flow);
    await serve({ flows: [flow], pollIntervalMs: 60_000 });
    payloads.length = 0; // the worker's own probe
    const run = await startFlow(db.sql, flow, { i: 1 });
    await waitForRun(run.runId); // steps 2 and 3 ran at once all the same: the worker read after completing
    await run.close();
    await sleep(100);
    expect(payloads).toEqual(['wake_quiet']);
  });

  it('an idle worker with default options sends at most one query a second', { timeout: 30_000 }, async () => {
    let queries = 0;
    const counted = db.connect({ max: 4, debug: () => queries++ });
    const flow = linear('wake_idle', 1, () => {});
    await registerFlow(db.sql, flow);
    const worker = await startWorker({ sql: counted, flows: [flow], handleSignals: false });
    workers.push(worker);
    await sleep(500);
    queries = 0;
    await sleep(6000);
    const perSecond = queries / 6;
    expect(perSecond).toBeLessThanOrEqual(1);
    expect(perSecond).toBeGreaterThan(0); // it still polls and beats
  });

  it('reads and starts in one statement: a start_tasks that fails leaves the messages visible', async () => {
    const flow = linear('wake_undo', 1, () => {});
    await registerFlow(db.sql, flow);
    await startFlow(db.sql, flow, { i: 1 });
    const wdb = sqlWorkerDb(db.sql);
    // An unregistered worker: start_tasks raises, and the read is undone with it.
    await expect(wdb.readTasks('wake_undo', 30, 10, randomUUID())).rejects.toMatchObject({ code: '42704' });
    const [visible] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from pgmq.q_wake_undo where vt <= clock_timestamp() and read_ct = 0`;
    expect(visible!.n).toBe(1);
    // An empty read starts nothing.
    const workerId = randomUUID();
    await db.sql`select pgflow.register_worker(${workerId}::uuid, 'wake_undo', 'test')`;
    expect(await wdb.readTasks('wake_undo', 30, 10, workerId)).toHaveLength(1);
    expect(await wdb.readTasks('wake_undo', 30, 10, workerId)).toHaveLength(0);
  });
});
