import { afterEach, describe, expect, it } from 'vitest';
import { Flow, type AnyFlow } from '../../src/dsl/flow.js';
import { WorkerLoops, type FlowState, type LoopSettings } from '../../src/worker/loops.js';
import { TaskRunner } from '../../src/worker/runner.js';
import { Slots } from '../../src/worker/slots.js';
import { FakeDb, deferred, memoryLog, pgError, sleep, until } from './fake-db.js';

const settings: LoopSettings = {
  functionName: 'test',
  batchSize: 10,
  visibility: 30,
  listen: false,
  pollIntervalMs: 5,
  listenPollIntervalMs: 5,
  heartbeatMs: 20,
  shutdownTimeoutMs: 1000,
  abortGraceMs: 50,
};

let started: WorkerLoops[] = [];
afterEach(async () => {
  await Promise.all(started.map((l) => l.stop()));
  started = [];
});

/** Loops over a FakeDb with a real runner and slots, reporting straight to the fake. */
async function setup(flows: AnyFlow[], over: Partial<LoopSettings> & { concurrency?: number } = {}) {
  return setupWith(new FakeDb(), flows, over);
}

async function setupWith(db: FakeDb, flows: AnyFlow[], over: Partial<LoopSettings> & { concurrency?: number } = {}) {
  const { log, lines } = memoryLog();
  const slots = new Slots(over.concurrency ?? 10);
  const runner = new TaskRunner({
    context: undefined,
    log,
    fail: (task, message) => db.failTask(task, message),
    complete: async (task, output) => (await db.completeTasks(`[${JSON.stringify({ ...task, output: JSON.parse(output) })}]`)).length > 0,
    handlerDone: () => slots.handlerDone(),
    ended: () => slots.ended(),
  });
  const states: FlowState[] = flows.map((f, i) => ({
    slug: f.slug,
    workerId: `w${i + 1}`,
    steps: new Map(f.steps.map((s) => [s.slug, s])),
    needsRegister: false,
  }));
  let stoppedCalls = 0;
  const loops = new WorkerLoops({
    db,
    flows: states,
    slots,
    runner,
    settings: { ...settings, ...over },
    log,
    onStopped: () => stoppedCalls++,
  });
  await loops.registerAll();
  loops.start();
  started.push(loops);
  return { db, lines, loops, slots, runner, states, stoppedCalls: () => stoppedCalls };
}

const echo = new Flow<{ n: number }>({ slug: 'echo' }).step({ slug: 'a' }, (input) => input.run.n);

describe('WorkerLoops', () => {
  it('reads the queue, starts the tasks and runs them', async () => {
    const { db } = await setup([echo]);
    for (const n of [1, 2, 3]) db.enqueue('echo', 'a', { run: { n } });
    await until(() => db.completed.length === 3, 'three results');
    expect(db.completed.map((c) => c.output)).toEqual([1, 2, 3]);
    expect(db.calls).toContain('readTasks echo,30,10,w1');
  });

  it('never reads more than the free slots, across flows', async () => {
    const release = deferred();
    let running = 0;
    let most = 0;
    const handler = async () => {
      most = Math.max(most, ++running);
      await release.promise;
      running--;
      return 1;
    };
    const a = new Flow({ slug: 'qa' }).step({ slug: 's' }, handler);
    const b = new Flow({ slug: 'qb' }).step({ slug: 's' }, handler);
    const { db } = await setup([a, b], { concurrency: 3, batchSize: 2 });
    for (let i = 0; i < 5; i++) {
      db.enqueue('qa', 's');
      db.enqueue('qb', 's');
    }
    await until(() => running === 3, 'three handlers');
    await sleep(30);
    expect(most).toBe(3);
    const limits = db.calls.filter((c) => c.startsWith('readTasks')).map((c) => Number(c.split(',').at(-2)));
    expect(Math.max(...limits)).toBeLessThanOrEqual(2);
    release.resolve();
    await until(() => db.completed.length === 10, 'every result');
    expect(most).toBe(3);
  });

  it('reads ahead while handlers end faster than a read: the extra tasks queue, never more than concurrency handlers at once', async () => {
    let running = 0;
    let most = 0;
    const quick = async () => {
      most = Math.max(most, ++running);
      await Promise.resolve();
      running--;
      return 1;
    };
    const db = new FakeDb();
    const read = db.readTasks.bind(db);
    db.readTasks = async (...args) => {
      await sleep(3); // a read takes longer than a handler
      return read(...args);
    };
    const flow = new Flow({ slug: 'quick' }).step({ slug: 's' }, quick);
    await setupWith(db, [flow], { concurrency: 2, batchSize: 6 });
    for (let i = 0; i < 40; i++) db.enqueue('quick', 's');
    await until(() => db.completed.length === 40, 'every result');
    const limits = db.calls.filter((c) => c.startsWith('readTasks')).map((c) => Number(c.split(',').at(-2)));
    expect(limits[0]).toBe(2); // no handler has ended yet: the free slots only
    expect(Math.max(...limits)).toBe(6);
    expect(most).toBe(2);
  });

  it('after a failed read (the statement undone, its messages still visible) backs off and registers again', async () => {
    const { db, lines } = await setup([echo]);
    db.fail.readTasks = pgError('22023');
    db.enqueue('echo', 'a', { run: { n: 1 } });
    await until(() => lines.some((l) => l.startsWith('warn: reading queue')), 'the warning');
    expect(lines).toContain('warn: reading queue "echo" failed, trying again in 1000 ms: PostgresError 22023');
    expect(db.queued('echo')).toEqual(['1']);
    delete db.fail.readTasks;
    await until(() => db.completed.length === 1, 'the result after the backoff', 5000);
    expect(lines).toContain('info: worker registered again');
    expect(db.calls.some((c) => c.startsWith('showMessages'))).toBe(false);
  });

  it('stops when the postgres.js client was ended', async () => {
    const { db, lines, loops } = await setup([echo]);
    db.fail.readTasks = pgError('CONNECTION_ENDED', 'Error');
    await loops.done;
    expect(lines).toContain('error: the postgres.js client was ended; the worker stops');
  });

  it('stops when the heartbeat finds its row marked stopped', async () => {
    const { db, loops, lines, stoppedCalls } = await setup([echo]);
    db.workers.get('w1')!.stopped = true;
    await loops.done;
    expect(lines).toContain('info: worker was marked stopped (pgflow.stop_worker); stopping');
    expect(stoppedCalls()).toBe(1);
  });

  it('registers again when the heartbeat finds its row gone', async () => {
    const { db, lines } = await setup([echo]);
    db.workers.delete('w1');
    await until(() => lines.includes('info: worker registered again'), 'the registration');
    expect(db.workers.get('w1')).toEqual({ flow: 'echo', stopped: false });
  });

  it('stop() ends the loops, lets a running handler finish and marks every row stopped', async () => {
    const release = deferred();
    const slow = new Flow({ slug: 'slow' }).step({ slug: 's' }, async () => (await release.promise, 'done'));
    const { db, loops, runner } = await setup([slow, echo]);
    db.enqueue('slow', 's');
    await until(() => runner.running === 1, 'the handler');
    let stopped = false;
    const stopping = loops.stop().then(() => (stopped = true));
    expect(loops.stop()).toBe(loops.stop()); // one stop, however often it is asked for
    await sleep(30);
    expect(stopped).toBe(false);
    db.enqueue('echo', 'a', { run: { n: 1 } });
    release.resolve();
    await stopping;
    expect(db.completed.map((c) => c.output)).toEqual(['done']); // nothing read while stopping
    expect([...db.workers.values()].map((w) => w.stopped)).toEqual([true, true]);
  });

  it('stop() aborts handlers past shutdownTimeoutMs, and abandons those that ignore the abort', async () => {
    const flow = new Flow({ slug: 'stuck' })
      .step({ slug: 'obeys' }, (_i, { signal }) => new Promise<number>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))))
      .step({ slug: 'ignores' }, () => new Promise<number>(() => {}));
    const { db, loops, runner, lines } = await setup([flow], { shutdownTimeoutMs: 50 });
    db.enqueue('stuck', 'obeys');
    db.enqueue('stuck', 'ignores');
    await until(() => runner.running === 2, 'both handlers');
    await loops.stop();
    expect(db.failed.map((f) => [f.step_slug, f.message])).toEqual([['obeys', 'the worker is shutting down']]);
    expect(lines).toEqual(
      expect.arrayContaining([
        'info: stopping: waiting for 2 running task(s)',
        'warn: stopping: aborting 2 task(s) still running',
        'warn: task abandoned by a stopping worker',
      ]),
    );
  });

  it('forceAbort() cuts the wait of a stop short', async () => {
    const flow = new Flow({ slug: 'forced' }).step(
      { slug: 's' },
      (_i, { signal }) => new Promise<number>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const { db, loops, runner } = await setup([flow], { shutdownTimeoutMs: 60_000 });
    db.enqueue('forced', 's');
    await until(() => runner.running === 1, 'the handler');
    const t0 = Date.now();
    const stopping = loops.stop();
    await sleep(20);
    loops.forceAbort();
    await stopping;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(db.failed.map((f) => f.message)).toEqual(['the worker is shutting down']);
  });

  it('a failing stop_worker is logged, and stop() still ends', async () => {
    const { db, loops, lines } = await setup([echo]);
    db.fail.stopWorker = new Error('gone');
    await loops.stop();
    expect(lines).toContain('warn: stop_worker failed: gone');
  });

  describe('wake-ups (listen)', () => {
    const listening = { listen: true, pollIntervalMs: 5, listenPollIntervalMs: 60_000 } as const;
    const reads = (db: FakeDb) => db.calls.filter((c) => c.startsWith('readTasks')).length;

    it('listens once, probes, then idles for the fallback interval until a notification for its flow', async () => {
      const { db } = await setup([echo], listening);
      await until(() => db.calls.some((c) => c.startsWith('notify probe:')), 'the probe');
      await sleep(30);
      expect(db.calls.filter((c) => c === 'listen ')).toHaveLength(1);
      const before = reads(db);
      await sleep(50);
      expect(reads(db)).toBe(before); // idle: no polling every 5 ms
      db.enqueue('echo', 'a', { run: { n: 7 } });
      db.deliver('other_flow'); // not served: ignored
      await sleep(20);
      expect(db.completed).toHaveLength(0);
      db.deliver('echo');
      await until(() => db.completed.length === 1, 'the woken read');
      expect(db.completed[0]!.output).toBe(7);
    });

    it('reads again at once when a notification came while its read was in flight', async () => {
      const { db } = await setup([echo], listening);
      await until(() => db.calls.some((c) => c.startsWith('notify probe:')), 'the probe');
      await sleep(20);
      // The next read misses a message committed while it runs; its notification arrives during the read.
      db.onRead = () => {
        db.onRead = undefined;
        queueMicrotask(() => {
          db.enqueue('echo', 'a', { run: { n: 1 } });
          db.deliver('echo');
        });
      };
      db.deliver('echo');
      await until(() => db.completed.length === 1, 'the task queued during the read', 1000);
    });

    it('reads every flow at once when the LISTEN is in place again (after a reconnect)', async () => {
      const other = new Flow({ slug: 'other' }).step({ slug: 'a' }, () => 2);
      const { db } = await setup([echo, other], listening);
      await until(() => db.calls.some((c) => c.startsWith('notify probe:')), 'the probe');
      await sleep(20);
      db.enqueue('echo', 'a', { run: { n: 1 } });
      db.enqueue('other', 'a');
      db.relisten();
      await until(() => db.completed.length === 2, 'both flows read');
    });

    it('warns once and polls at the short interval when notifications do not arrive', async () => {
      const db0 = new FakeDb();
      db0.notificationsArrive = false;
      const { db, lines } = await setupWith(db0, [echo], listening);
      // the probe times out after 5 s by default: wait for the warning
      await until(() => lines.some((l) => l.startsWith('warn: the worker cannot wake')), 'the warning', 7000);
      expect(lines.filter((l) => l.startsWith('warn: the worker cannot wake'))).toEqual([
        'warn: the worker cannot wake on new tasks (a notification sent by the worker did not come back (a transaction-mode connection pooler?)): it polls its queues every 5 ms instead',
      ]);
      db.enqueue('echo', 'a', { run: { n: 3 } });
      await until(() => db.completed.length === 1, 'the polled task', 500);
    }, 10_000);

    it('warns once and polls when LISTEN fails', async () => {
      const db0 = new FakeDb();
      db0.fail.listen = pgError('0A000');
      const { db, lines } = await setupWith(db0, [echo], listening);
      await until(() => lines.some((l) => l.startsWith('warn: the worker cannot wake')), 'the warning');
      expect(lines).toContain('warn: the worker cannot wake on new tasks (LISTEN failed: PostgresError 0A000): it polls its queues every 5 ms instead');
      db.enqueue('echo', 'a', { run: { n: 3 } });
      await until(() => db.completed.length === 1, 'the polled task', 500);
    });

    it('unlistens on stop', async () => {
      const { db, loops } = await setup([echo], listening);
      await until(() => db.listening === 1, 'the LISTEN');
      await loops.stop();
      expect(db.listening).toBe(0);
    });
  });
});
