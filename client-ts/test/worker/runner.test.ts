import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/dsl/flow.js';
import type { StepDefinition } from '../../src/dsl/types.js';
import type { TaskRecord } from '../../src/worker/db.js';
import { TaskRunner, type RunnerDeps, type ServedFlow } from '../../src/worker/runner.js';
import { deferred, memoryLog, sleep, until } from './fake-db.js';

function served(steps: readonly StepDefinition[]): ServedFlow {
  return { slug: 'f', workerId: 'w1', steps: new Map(steps.map((s) => [s.slug, s])) };
}
function taskOf(step: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return { flow_slug: 'f', run_id: 'r1', step_slug: step, input: { run: 1 }, msg_id: '1', task_index: 0, attempts_count: 1, timeout: 30, ...over };
}

/** A runner whose complete records the output and answers `recorded`. */
function setup(over: Partial<RunnerDeps<{ key: string }>> = {}) {
  const { log, lines } = memoryLog();
  const completed: string[] = [];
  const failed: string[] = [];
  let ended = 0;
  const runner = new TaskRunner<{ key: string }>({
    context: { key: 'secret' },
    log,
    fail: async (_task, message) => (failed.push(message), 'queued'),
    complete: async (_task, output) => (completed.push(output), true),
    ended: () => ended++,
    ...over,
  });
  return { runner, lines, completed, failed, ended: () => ended };
}

describe('TaskRunner', () => {
  it('hands the handler its input and context, and completes with its output as JSON', async () => {
    let seen: unknown;
    const flow = new Flow<number>({ slug: 'f' }).step({ slug: 'a' }, (input, ctx) => {
      seen = { input, ...ctx, signal: ctx.signal instanceof AbortSignal };
      return { doubled: input.run * 2 };
    });
    const { runner, completed, lines } = setup();
    await runner.run(served(flow.steps), taskOf('a', { input: { run: 21 }, attempts_count: 2, task_index: 3 }));
    expect(seen).toEqual({
      input: { run: 21 },
      context: { key: 'secret' },
      signal: true,
      attempt: 2,
      runId: 'r1',
      stepSlug: 'a',
      taskIndex: 3,
    });
    expect(completed).toEqual(['{"doubled":42}']);
    expect(lines).toContain('debug: task completed');
  });

  it('reports undefined as null', async () => {
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, () => undefined as unknown as null);
    const { runner, completed } = setup();
    await runner.run(served(flow.steps), taskOf('a'));
    expect(completed).toEqual(['null']);
  });

  it('fails the task with the message of what the handler threw, at once or later', async () => {
    const flow = new Flow({ slug: 'f' })
      .step({ slug: 'sync' }, (): number => {
        throw new Error('boom');
      })
      .step({ slug: 'async' }, async (): Promise<number> => Promise.reject('not an Error'));
    const { runner, failed, completed } = setup();
    await runner.run(served(flow.steps), taskOf('sync'));
    await runner.run(served(flow.steps), taskOf('async'));
    expect(failed).toEqual([expect.stringMatching(/^Error: boom\n    at .*runner\.test\.ts/), 'not an Error']);
    expect(completed).toEqual([]);
  });

  it('stores a thrown object as JSON, and an Error with its name, code and a cut stack', async () => {
    const flow = new Flow({ slug: 'f' })
      .step({ slug: 'obj' }, (): number => {
        throw { code: 'E_RATE', retryAfter: 3 };
      })
      .step({ slug: 'coded' }, (): number => {
        throw Object.assign(new TypeError('slow down'), { code: 'E_RATE' });
      });
    const { runner, failed } = setup();
    await runner.run(served(flow.steps), taskOf('obj'));
    await runner.run(served(flow.steps), taskOf('coded'));
    expect(failed[0]).toBe('{"code":"E_RATE","retryAfter":3}');
    expect(failed[1]!.split('\n')[0]).toBe('TypeError [E_RATE]: slow down');
  });

  it('logs a failed task at warn with what names it, and the run at error when fail_task failed it', async () => {
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, (): number => {
      throw new Error('boom');
    });
    const seen: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const statuses = ['queued', 'failed'];
    const { runner } = setup({
      log: (level, message, fields) => void (level !== 'debug' && seen.push([level, message, fields])),
      fail: async () => statuses.shift(),
    });
    await runner.run(served(flow.steps), taskOf('a', { attempts_count: 1 }));
    await runner.run(served(flow.steps), taskOf('a', { attempts_count: 2 }));
    const names = { flow: 'f', step: 'a', run_id: 'r1', task_index: 0 };
    expect(seen.map(([level, message, fields]) => [level, message, fields?.attempt])).toEqual([
      ['warn', 'task failed', 1],
      ['warn', 'task failed', 2],
      ['error', 'run failed', 2],
    ]);
    for (const [, , fields] of seen) {
      expect(fields).toMatchObject(names);
      expect((fields?.error as Error).message).toBe('boom');
    }
  });

  it('fails an output that is not JSON', async () => {
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, () => 1);
    const steps = [{ ...flow.steps[0]!, handler: () => 10n }];
    const { runner, failed } = setup();
    await runner.run(served(steps), taskOf('a'));
    expect(failed).toEqual(['output of step "a" is not JSON: Do not know how to serialize a BigInt']);
  });

  it('at its timeout, aborts the signal, fails the task and ignores what the handler does later', async () => {
    const late = deferred<number>();
    let reason: unknown;
    const flow = new Flow({ slug: 'f' }).step({ slug: 'slow' }, (_input, { signal }) => {
      signal.addEventListener('abort', () => (reason = signal.reason));
      return late.promise;
    });
    const { runner, failed, completed } = setup();
    await runner.run(served(flow.steps), taskOf('slow', { timeout: 0.05 }));
    const message = 'timed out: handler of step "slow" ran longer than 0.05 s';
    expect(failed).toEqual([message]);
    expect((reason as Error).message).toBe(message);
    late.resolve(1);
    await sleep(10);
    expect(completed).toEqual([]);
    expect(runner.running).toBe(0);
  });

  it('fails a task of an unknown step, naming the steps it knows', async () => {
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, () => 1).step({ slug: 'b' }, () => 2);
    const { runner, failed } = setup();
    await runner.run(served(flow.steps), taskOf('c'));
    await runner.run(served([]), taskOf('c'));
    expect(failed).toEqual([
      'worker w1 has no handler for step "c" of flow "f": it knows "a", "b"',
      'worker w1 has no handler for step "c" of flow "f": it knows no steps',
    ]);
  });

  it('logs a result the database did not record, and one it did', async () => {
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, () => 1);
    const answers = [false, undefined];
    const { runner, lines } = setup({ complete: async () => answers.shift() });
    await runner.run(served(flow.steps), taskOf('a'));
    await runner.run(served(flow.steps), taskOf('a'));
    expect(lines).toEqual(['debug: task result not recorded: the task or its run is no longer running']);
  });

  it('start() runs in the background, counts the task in flight, and calls ended once', async () => {
    const release = deferred<number>();
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, () => release.promise);
    const { runner, completed, ended } = setup();
    runner.start(served(flow.steps), taskOf('a'));
    expect(runner.inFlight).toBe(1);
    await until(() => runner.running === 1, 'the handler to run');
    release.resolve(7);
    await runner.settled();
    expect(runner.inFlight).toBe(0);
    expect(completed).toEqual(['7']);
    expect(ended()).toBe(1);
  });

  it('a task whose reporting throws is logged as crashed, and still ends', async () => {
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, () => 1);
    const { runner, lines, ended } = setup({
      complete: async () => {
        throw new Error('report broke');
      },
    });
    runner.start(served(flow.steps), taskOf('a'));
    await runner.settled();
    expect(lines).toContain('error: task crashed: report broke');
    expect(ended()).toBe(1);
  });

  it('abortAll() aborts running handlers, which are reported as they end', async () => {
    const flow = new Flow({ slug: 'f' }).step(
      { slug: 'a' },
      (_input, { signal }) => new Promise<number>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const { runner, failed } = setup();
    runner.start(served(flow.steps), taskOf('a'));
    await until(() => runner.running === 1, 'the handler to run');
    runner.abortAll(new Error('the worker is shutting down'));
    await runner.settled();
    expect(failed).toEqual(['the worker is shutting down']);
  });

  it('abandonAll() gives up on running handlers: nothing is reported for them', async () => {
    const flow = new Flow({ slug: 'f' }).step({ slug: 'a' }, () => new Promise<number>(() => {}));
    const { runner, failed, completed, lines, ended } = setup();
    runner.start(served(flow.steps), taskOf('a'));
    await until(() => runner.running === 1, 'the handler to run');
    runner.abandonAll();
    await runner.settled();
    expect([failed, completed]).toEqual([[], []]);
    expect(lines).toEqual(['warn: task abandoned by a stopping worker']);
    expect(ended()).toBe(1);
  });
});
