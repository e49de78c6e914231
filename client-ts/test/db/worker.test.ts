// The worker: concurrency, several workers on one queue, shutdown, dead workers,
// lost connections.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, registerFlow, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker, type WorkerOptions } from '../../src/worker/worker.js';
import { processFlow } from './fixtures/flows.js';
import { deferred, sleep, until, useTestDatabase } from './harness.js';

const db = useTestDatabase();
const CLIENT_TS = fileURLToPath(new URL('../..', import.meta.url));
// The CLI's TypeScript loader (built into dist/ by test/global-setup.ts) runs the worker's source as is.
const TS_LOADER =
  'data:text/javascript,' +
  encodeURIComponent(
    'import { register } from "node:module"; import { pathToFileURL } from "node:url"; ' +
      'register("./dist/cli/loader.js", pathToFileURL("./"));',
  );

let workers: Worker[] = [];
let children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children = [];
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});
async function serve(options: Partial<WorkerOptions> & Pick<WorkerOptions, 'flows'>) {
  const worker = await startWorker({ sql: db.sql, handleSignals: false, pollIntervalMs: 50, ...options });
  workers.push(worker);
  return worker;
}

/** A worker in a child process (test/db/fixtures/worker-process.ts), and the lines it prints. */
function workerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TS_LOADER, 'test/db/fixtures/worker-process.ts'], {
    cwd: CLIENT_TS,
    env: { ...process.env, PGDATABASE: db.name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const line = (prefix: string, timeoutMs = 20_000) =>
    until(() => lines.find((l) => l.startsWith(prefix)), timeoutMs, `"${prefix}" from the worker process; stderr: ${stderr}`);
  return { child, lines, line, exited, stderr: () => stderr };
}

describe('worker', () => {
  it('never runs more than `concurrency` handlers at once, across flows', { timeout: 30_000 }, async () => {
    let running = 0;
    let most = 0;
    const handler = async (n: number) => {
      running++;
      most = Math.max(most, running);
      await sleep(40);
      running--;
      return n;
    };
    const a = new Flow<number[]>({ slug: 'conc_a', baseDelay: 0 }).map({ slug: 'each' }, handler);
    const b = new Flow<number[]>({ slug: 'conc_b', baseDelay: 0 }).map({ slug: 'each' }, handler);
    await registerFlow(db.sql, a);
    await registerFlow(db.sql, b);
    await serve({ flows: [a, b], concurrency: 3, batchSize: 10 });

    const items = Array.from({ length: 12 }, (_, i) => i);
    const [ra, rb] = await Promise.all([startFlow(db.sql, a, items), startFlow(db.sql, b, items)]);
    const [oa, ob] = await Promise.all([ra.wait({ timeoutMs: 20_000 }), rb.wait({ timeoutMs: 20_000 })]);
    expect(oa).toEqual({ each: items });
    expect(ob).toEqual({ each: items });
    expect(most).toBe(3);
  });

  it('two workers on one queue run every task exactly once', { timeout: 60_000 }, async () => {
    const calls = new Map<string, number>();
    const byWorker = [0, 0];
    const flowFor = (w: number) =>
      new Flow<number[]>({ slug: 'shared_queue', baseDelay: 0 })
        .map({ slug: 'square' }, async (n, { runId, stepSlug, taskIndex }) => {
          const key = `${runId}/${stepSlug}/${taskIndex}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          byWorker[w]!++;
          await sleep(Math.random() * 5);
          return n * n;
        })
        .step({ slug: 'sum', dependsOn: ['square'] }, (input, { runId, stepSlug, taskIndex }) => {
          const key = `${runId}/${stepSlug}/${taskIndex}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return input.square.reduce((x, y) => x + y, 0);
        });
    await registerFlow(db.sql, flowFor(0));
    // Separate clients, as two processes would have.
    await serve({ sql: db.connect(), flows: [flowFor(0)], concurrency: 5, batchSize: 7 });
    await serve({ sql: db.connect(), flows: [flowFor(1)], concurrency: 5, batchSize: 7 });

    const items = Array.from({ length: 100 }, (_, i) => i);
    const handles = await Promise.all([1, 2, 3].map(() => startFlow(db.sql, flowFor(0), items)));
    const outputs = await Promise.all(handles.map((h) => h.wait({ timeoutMs: 45_000 })));
    const expected = items.reduce((s, n) => s + n * n, 0);
    for (const o of outputs) expect(o).toEqual({ sum: expected });

    expect(calls.size).toBe(3 * 101);
    expect([...calls.values()].filter((n) => n !== 1)).toEqual([]);
    expect(byWorker[0]).toBeGreaterThan(0);
    expect(byWorker[1]).toBeGreaterThan(0);
    const [{ attempts }] = await db.sql<[{ attempts: number }]>`
      select max(attempts_count)::int as attempts from pgflow.step_tasks where flow_slug = 'shared_queue'`;
    expect(attempts).toBe(1);
  });

  it('stop() lets a running handler finish, completes its task, marks the worker stopped', { timeout: 30_000 }, async () => {
    const started = deferred();
    const release = deferred();
    let finished = false;
    const flow = new Flow({ slug: 'graceful', baseDelay: 0, timeout: 10 }).step({ slug: 'slow' }, async () => {
      started.resolve();
      await release.promise;
      finished = true;
      return 'done';
    });
    await registerFlow(db.sql, flow);
    const worker = await serve({ flows: [flow] });
    const workerId = worker.workerIds['graceful']!;

    const handle = await startFlow(db.sql, flow, {});
    await started.promise;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await sleep(300);
    expect(stopped).toBe(false); // waiting for the handler
    const [{ stopped_at: during }] = await db.sql<[{ stopped_at: Date | null }]>`
      select stopped_at from pgflow.workers where worker_id = ${workerId}::uuid`;
    expect(during).toBeNull();

    // While stopping it reads nothing new.
    const later = await startFlow(db.sql, flow, {});
    await sleep(300);
    release.resolve();
    await stopping;
    await worker.done;
    expect(finished).toBe(true);

    expect(await handle.wait({ timeoutMs: 5000 })).toEqual({ slow: 'done' });
    const [{ stopped_at }] = await db.sql<[{ stopped_at: Date | null }]>`
      select stopped_at from pgflow.workers where worker_id = ${workerId}::uuid`;
    expect(stopped_at).toBeInstanceOf(Date);
    const { steps } = await getRun(db.sql, later.runId);
    expect(steps[0]!.status).toBe('started');
    const [{ status }] = await db.sql<[{ status: string }]>`
      select status from pgflow.step_tasks where run_id = ${later.runId}::uuid`;
    expect(status).toBe('queued');
    await later.close();
  });

  it('stop() aborts handlers still running after shutdownTimeoutMs', { timeout: 30_000 }, async () => {
    const started = deferred();
    const flow = new Flow({ slug: 'shutdown_abort', baseDelay: 0, maxAttempts: 1, timeout: 30 }).step(
      { slug: 'forever' },
      (_input, { signal }) => {
        started.resolve();
        return new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    );
    await registerFlow(db.sql, flow);
    const worker = await serve({ flows: [flow], shutdownTimeoutMs: 200, log: () => {} });
    const handle = await startFlow(db.sql, flow, {});
    await started.promise;
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
    const err = await handle.wait({ timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ stepSlug: 'forever', errorMessage: 'the worker is shutting down' });
  });

  it('a task whose worker was killed (SIGKILL) is taken over when its lease runs out', { timeout: 60_000 }, async () => {
    const slug = 'killed_worker';
    const ok = processFlow(slug, 1, async (input, { attempt }) => `n=${input.n} on attempt ${attempt}`);
    await registerFlow(db.sql, ok);
    const doomed = workerProcess({ FLOW_SLUG: slug, FLOW_TIMEOUT: '1', WORKER_MODE: 'hang' });
    await doomed.line('worker ');

    const handle = await startFlow(db.sql, ok, { n: 7 });
    await doomed.line(`task ${handle.runId} 1`);
    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await doomed.exited).signal).toBe('SIGKILL');

    const [task] = await db.sql<[{ status: string; attempts_count: number; error_message: string | null }]>`
      select status, attempts_count, error_message from pgflow.step_tasks where run_id = ${handle.runId}::uuid`;
    expect(task).toEqual({ status: 'started', attempts_count: 1, error_message: null });

    await serve({ flows: [ok] });
    expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ work: 'n=7 on attempt 2' });
    expect(Date.now() - killedAt).toBeGreaterThan(1000); // it waited for the lease (3 s from the start)
    const [after] = await db.sql<[{ attempts_count: number; status: string }]>`
      select attempts_count, status from pgflow.step_tasks where run_id = ${handle.runId}::uuid`;
    expect(after).toEqual({ attempts_count: 2, status: 'completed' });
  });

  it('SIGTERM stops a worker process gracefully: its running task completes', { timeout: 60_000 }, async () => {
    const slug = 'sigterm_worker';
    const flow = processFlow(slug, 10, async () => 'unused');
    await registerFlow(db.sql, flow);
    const proc = workerProcess({ FLOW_SLUG: slug, FLOW_TIMEOUT: '10', WORKER_MODE: 'slow' });
    const workerId = (await proc.line('worker ')).split(' ')[1]!;

    const handle = await startFlow(db.sql, flow, { n: 1 });
    await proc.line(`task ${handle.runId} 1`);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.lines).toContain('done');

    const output = await handle.wait({ timeoutMs: 5000 });
    expect(output.work).toBe(`finished by process ${proc.child.pid}`);
    const [{ stopped_at }] = await db.sql<[{ stopped_at: Date | null }]>`
      select stopped_at from pgflow.workers where worker_id = ${workerId}::uuid`;
    expect(stopped_at).toBeInstanceOf(Date);
  });

  it('stops when its worker row is marked stopped (pgflow.stop_worker)', { timeout: 30_000 }, async () => {
    const flow = new Flow({ slug: 'stopped_from_sql' }).step({ slug: 'a' }, () => 1);
    await registerFlow(db.sql, flow);
    const worker = await serve({ flows: [flow], heartbeatMs: 100 });
    await db.sql`select pgflow.stop_worker(${worker.workerIds['stopped_from_sql']!}::uuid)`;
    await Promise.race([worker.done, sleep(5000).then(() => Promise.reject(new Error('worker did not stop')))]);
  });

  it('fails a task of a step the worker has no handler for, with a clear message', { timeout: 30_000 }, async () => {
    const full = new Flow({ slug: 'partial_worker', maxAttempts: 1, baseDelay: 0 })
      .step({ slug: 'known' }, () => 1)
      .step({ slug: 'unknown', dependsOn: ['known'] }, () => 2);
    const partial = new Flow({ slug: 'partial_worker' }).step({ slug: 'known' }, () => 1);
    await registerFlow(db.sql, full);
    const worker = await serve({ flows: [partial], checkShape: false }); // the shape check would refuse it

    const err = await (await startFlow(db.sql, full, {})).wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ stepSlug: 'unknown' });
    expect((err as { errorMessage: string }).errorMessage).toBe(
      `worker ${worker.workerIds['partial_worker']} has no handler for step "unknown" of flow "partial_worker": it knows "known"`,
    );
  });

  it('refuses to start for a flow missing from the database (the shape check; register_worker without it)', async () => {
    const flow = new Flow({ slug: 'not_registered' }).step({ slug: 'a' }, () => 1);
    const err = await startWorker({ sql: db.sql, flows: [flow], handleSignals: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FlowShapeError', flowSlug: 'not_registered', registered: false });
    const unchecked = await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, checkShape: false }).catch((e: unknown) => e);
    expect(unchecked).toMatchObject({ name: 'PostgresError', code: '42704' });
  });

  it('goes on after its connections are terminated (as by a server restart)', { timeout: 60_000 }, async () => {
    const flow = new Flow<{ n: number }>({ slug: 'reconnects', baseDelay: 0 }).step({ slug: 'inc' }, (input) => input.run.n + 1);
    await registerFlow(db.sql, flow);
    // Only the worker's connections are severed: the test's own client stays up.
    const sql = db.connect({ connection: { application_name: 'pgflow_reconnect_worker' } });
    await serve({ sql, flows: [flow], log: () => {} });
    expect(await (await startFlow(db.sql, flow, { n: 1 })).wait({ timeoutMs: 10_000 })).toEqual({ inc: 2 });

    for (let round = 0; round < 3; round++) {
      const [{ killed }] = await db.sql<[{ killed: number }]>`
        select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity
         where datname = current_database() and application_name = 'pgflow_reconnect_worker'`;
      expect(killed).toBeGreaterThan(0);
      expect(await (await startFlow(db.sql, flow, { n: 41 + round })).wait({ timeoutMs: 30_000 })).toEqual({
        inc: 42 + round,
      });
    }
  });

  it('registers again when its worker row is gone', { timeout: 60_000 }, async () => {
    const logs: string[] = [];
    const flow = new Flow<{ n: number }>({ slug: 'row_gone', baseDelay: 0 }).step({ slug: 'inc' }, (input) => input.run.n + 1);
    await registerFlow(db.sql, flow);
    const worker = await serve({ flows: [flow], heartbeatMs: 200, visibility: 30, log: (level, message) => logs.push(`${level}: ${message}`) });
    const workerId = worker.workerIds['row_gone']!;
    await db.sql`delete from pgflow.workers where worker_id = ${workerId}::uuid`;

    expect(await (await startFlow(db.sql, flow, { n: 1 })).wait({ timeoutMs: 20_000 })).toEqual({ inc: 2 });
    await until(() => logs.some((l) => l.includes('registered again')), 15_000, 'the worker to register again');
    const rows = await db.sql`select stopped_at from pgflow.workers where worker_id = ${workerId}::uuid`;
    expect(rows).toEqual([{ stopped_at: null }]);
  });
});
