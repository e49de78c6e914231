// startWorker's wiring, on a FakeDb: options, registration, the parts working together, signals.
import { afterEach, describe, expect, it } from 'vitest';
import { Flow } from '../../src/dsl/flow.js';
import { retryTransient } from '../../src/worker/db.js';
import { runWorker, type Worker } from '../../src/worker/worker.js';
import { FakeDb, deferred, memoryLog, pgError, until } from './fake-db.js';

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

const flow = new Flow<{ n: number }>({ slug: 'inc' }).step({ slug: 'a' }, (input) => input.run.n + 1);
const quiet = { handleSignals: false, pollIntervalMs: 5, log: () => {} } as const;

describe('runWorker', () => {
  it('rejects bad options before it touches the database', async () => {
    const db = new FakeDb();
    await expect(runWorker(db, { flows: [flow], concurrency: 0 })).rejects.toThrow(
      new RangeError('concurrency and batchSize must be at least 1, got 0 and 3'),
    );
    await expect(runWorker(db, { flows: [flow, flow] })).rejects.toThrow('flow "inc" is given twice');
    expect(db.calls).toEqual([]);
  });

  it('rejects a pollIntervalMs out of range', async () => {
    const db = new FakeDb();
    await expect(runWorker(db, { flows: [flow], pollIntervalMs: -1 })).rejects.toThrow(
      new RangeError('pollIntervalMs must be between 0 and 2147483647, got -1'),
    );
  });

  it('reads the queue again at once after recording a result (its complete_tasks wakes nobody)', async () => {
    const two = new Flow<{ n: number }>({ slug: 'two' })
      .step({ slug: 'a' }, (input) => input.run.n + 1)
      .step({ slug: 'b', dependsOn: ['a'] }, (input) => input.a * 2);
    const db = new FakeDb();
    const complete = db.completeTasks.bind(db);
    // the cascade: completing a queues b, with no notification
    db.completeTasks = async (json: string) => {
      const rows = await complete(json);
      for (const r of rows) if (r.step_slug === 'a') db.enqueue('two', 'b', { run: { n: 1 }, a: 2 });
      return rows;
    };
    // polls only every minute, and the first poll is done before a is queued
    workers.push(await runWorker(db, { handleSignals: false, log: () => {}, flows: [two], pollIntervalMs: 60_000 }));
    await until(() => db.listening === 1, 'the LISTEN');
    db.enqueue('two', 'a', { run: { n: 1 } });
    db.deliver('two');
    await until(() => db.completed.length === 2, 'both steps', 1000);
    expect(db.completed.map((c) => c.output)).toEqual([2, 4]);
  });

  it('registers a row per flow; if one fails, stops the others and rethrows', async () => {
    const other = new Flow({ slug: 'other' }).step({ slug: 'b' }, () => 1);
    const db = new FakeDb();
    const missing = pgError('42704');
    db.fail.registerWorker = (_id: unknown, slug: unknown) => (slug === 'other' ? missing : undefined);
    await expect(runWorker(db, { ...quiet, flows: [flow, other], functionName: 'fn' })).rejects.toBe(missing);
    const [first] = [...db.workers.keys()];
    expect(db.calls).toEqual([`registerWorker ${first},inc,fn`, expect.stringMatching(/^registerWorker .*,other,fn$/), `stopWorker ${first}`]);
  });

  it('runs tasks and sends the results that pile up together', async () => {
    const db = new FakeDb();
    const gate = deferred();
    const complete = db.completeTasks.bind(db);
    let calls = 0;
    db.completeTasks = async (json) => {
      if (++calls === 1) await gate.promise;
      return complete(json);
    };
    let handled = 0;
    const counted = new Flow<{ n: number }>({ slug: 'inc' }).step({ slug: 'a' }, (input) => (handled++, input.run.n + 1));
    const worker = await runWorker(db, { ...quiet, flows: [counted] });
    workers.push(worker);
    expect(Object.isFrozen(worker.workerIds)).toBe(true);
    expect(db.workers.get(worker.workerIds['inc']!)).toEqual({ flow: 'inc', stopped: false });
    db.enqueue('inc', 'a', { run: { n: 0 } });
    await until(() => calls === 1, 'the first batch');
    for (let n = 1; n <= 4; n++) db.enqueue('inc', 'a', { run: { n } });
    await until(() => handled === 5, 'the other handlers');
    await new Promise((r) => setTimeout(r, 5)); // their results reach the batcher
    gate.resolve();
    await until(() => db.completed.length === 5, 'every result');
    // the four that piled up went in one call, beside the first (two calls may be on their way)
    expect(db.completed.map((c) => c.output)).toEqual([2, 3, 4, 5, 1]);
    expect(calls).toBe(2);
  });

  it("frees a task's slot once its handler ended: the next task starts while the result is on its way", async () => {
    const db = new FakeDb();
    const gate = deferred();
    const complete = db.completeTasks.bind(db);
    db.completeTasks = async (json) => {
      await gate.promise; // no result is recorded until the gate opens
      return complete(json);
    };
    let handled = 0;
    const one = new Flow<{ n: number }>({ slug: 'inc' }).step({ slug: 'a' }, (input) => (handled++, input.run.n));
    workers.push(await runWorker(db, { ...quiet, flows: [one], concurrency: 1 }));
    for (let n = 1; n <= 3; n++) db.enqueue('inc', 'a', { run: { n } });
    await until(() => handled === 3, 'all three handlers, one at a time, none recorded');
    expect(db.completed).toEqual([]);
    gate.resolve();
    await until(() => db.completed.length === 3, 'every result');
  });

  it('fails a task whose handler throws, through fail_task', async () => {
    const db = new FakeDb();
    const bad = new Flow({ slug: 'bad' }).step({ slug: 'a' }, (): number => {
      throw new Error('no');
    });
    workers.push(await runWorker(db, { ...quiet, flows: [bad] }));
    db.enqueue('bad', 'a');
    await until(() => db.failed.length === 1, 'fail_task');
    expect(db.failed[0]).toMatchObject({ step_slug: 'a', message: expect.stringMatching(/^Error: no\n    at /) });
  });

  it('handles SIGTERM and SIGINT while it runs: the first stops it, the second aborts its handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    const db = new FakeDb();
    const { log, lines } = memoryLog();
    const stuck = new Flow({ slug: 'stuck' }).step(
      { slug: 'a' },
      (_i, { signal }) => new Promise<number>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const worker = await runWorker(db, { flows: [stuck], pollIntervalMs: 5, shutdownTimeoutMs: 60_000, log });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('SIGINT')).toBeGreaterThan(0);
    db.enqueue('stuck', 'a');
    await until(() => db.calls.some((c) => c.startsWith('readTasks') && db.queued('stuck').length === 0), 'the task');
    const onSignal = process.listeners('SIGTERM').at(-1) as (signal: NodeJS.Signals) => void;
    onSignal('SIGTERM');
    expect(lines).toContain('info: SIGTERM: stopping');
    onSignal('SIGINT');
    expect(lines).toContain('warn: SIGINT again: aborting running tasks');
    await worker.done;
    expect(db.failed.map((f) => f.message)).toEqual(['the worker is shutting down']);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('retryTransient', () => {
  /** A clock that sleeps by moving time on. */
  function fakeClock() {
    let now = 0;
    const sleeps: number[] = [];
    return { sleeps, now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) };
  }

  it('returns the result, trying again after transient errors with doubling delays', async () => {
    const clock = fakeClock();
    const { log, lines } = memoryLog();
    let calls = 0;
    const result = await retryTransient(
      'complete_tasks',
      async () => {
        if (++calls < 4) throw pgError('57P01');
        return 'ok';
      },
      {},
      log,
      clock,
    );
    expect(result).toBe('ok');
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    expect(lines[0]).toBe('warn: complete_tasks failed, trying again in 500 ms: PostgresError 57P01');
  });

  it('gives up after a minute of transient errors: undefined, logged', async () => {
    const clock = fakeClock();
    const { log, lines } = memoryLog();
    const result = await retryTransient('fail_task', () => Promise.reject(pgError('ECONNREFUSED', 'Error')), {}, log, clock);
    expect(result).toBeUndefined();
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000]); // 55.5 s; 10 s more would pass the minute
    expect(lines.at(-1)).toBe('error: fail_task failed: Error ECONNREFUSED');
  });

  it('does not try again after another error', async () => {
    const clock = fakeClock();
    const { log, lines } = memoryLog();
    let calls = 0;
    const result = await retryTransient('fail_task', () => (calls++, Promise.reject(pgError('22023'))), {}, log, clock);
    expect([result, calls, clock.sleeps]).toEqual([undefined, 1, []]);
    expect(lines).toEqual(['error: fail_task failed: PostgresError 22023']);
  });
});
