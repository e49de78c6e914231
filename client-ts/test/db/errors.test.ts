// What the worker stores for a failed task (fail_task's error_message) and
// what it logs, against the database.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerFlow, RunFailedError, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { MAX_ERROR_BYTES } from '../../src/worker/errors.js';
import { startWorker, type Worker, type WorkerOptions } from '../../src/worker/worker.js';
import { until, useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
  vi.restoreAllMocks();
});
async function serve(options: Omit<WorkerOptions, 'sql'>) {
  const worker = await startWorker({ sql: db.sql, handleSignals: false, pollIntervalMs: 50, ...options });
  workers.push(worker);
  return worker;
}
async function storedError(runId: string): Promise<string> {
  const [task] = await db.sql<[{ error_message: string }]>`
    select error_message from pgflow.step_tasks where run_id = ${runId}::uuid and status = 'failed'`;
  return task.error_message;
}

describe('what a failed task stores', () => {
  it('a thrown object as JSON, not "[object Object]"', { timeout: 30_000 }, async () => {
    const flow = new Flow({ slug: 'throws_object', maxAttempts: 1, timeout: 5 }).step({ slug: 's' }, (): number => {
      throw { code: 'E_RATE', retryAfter: 30 };
    });
    await registerFlow(db.sql, flow);
    await serve({ flows: [flow], log: () => {} });
    const handle = await startFlow(db.sql, flow, {});
    const err = await handle.wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorMessage: '{"code":"E_RATE","retryAfter":30}' });
    expect(await storedError(handle.runId)).toBe('{"code":"E_RATE","retryAfter":30}');
  });

  it('an Error with its name, code and at most 10 stack frames; a huge message cut to 8 KB', { timeout: 30_000 }, async () => {
    const deep = (n: number): number => {
      if (n === 0) throw Object.assign(new RangeError('too deep'), { code: 'E_DEEP' });
      return deep(n - 1) + 1;
    };
    const deepFlow = new Flow({ slug: 'throws_deep', maxAttempts: 1, timeout: 5 }).step({ slug: 's' }, () => deep(30));
    const hugeFlow = new Flow({ slug: 'throws_huge', maxAttempts: 1, timeout: 5 }).step({ slug: 's' }, (): number => {
      throw new Error('é'.repeat(100_000));
    });
    await registerFlow(db.sql, deepFlow);
    await registerFlow(db.sql, hugeFlow);
    await serve({ flows: [deepFlow, hugeFlow], log: () => {} });
    const deepRun = await startFlow(db.sql, deepFlow, {});
    const hugeRun = await startFlow(db.sql, hugeFlow, {});
    await expect(deepRun.wait({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(RunFailedError);
    await expect(hugeRun.wait({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(RunFailedError);

    const lines = (await storedError(deepRun.runId)).split('\n');
    expect(lines[0]).toBe('RangeError [E_DEEP]: too deep');
    expect(lines.filter((l) => l.startsWith('    at '))).toHaveLength(10); // V8 keeps 10 unless Error.stackTraceLimit says more

    const huge = await storedError(hugeRun.runId);
    expect(Buffer.byteLength(huge)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(huge).toMatch(/^Error: (é)+\n\.\.\. \(cut: \d+ bytes in all\)$/);
  });
});

describe('what the worker logs', () => {
  it('by default, task failed (warn) and run failed (error) to stderr, as JSON lines with logFormat json', { timeout: 30_000 }, async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const flow = new Flow({ slug: 'logs_json', maxAttempts: 2, baseDelay: 0, timeout: 5 }).step({ slug: 'bad' }, (): number => {
      throw Object.assign(new Error('no luck'), { code: 'E_LUCK' });
    });
    await registerFlow(db.sql, flow);
    await serve({ flows: [flow], logFormat: 'json' });
    const handle = await startFlow(db.sql, flow, {});
    await expect(handle.wait({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(RunFailedError);
    await workers.pop()!.stop();
    vi.restoreAllMocks();

    const entries = written.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = entries.filter((e) => e.run_id === handle.runId);
    expect(mine.map((e) => [e.level, e.msg, e.attempt])).toEqual([
      ['warn', 'task failed', 1],
      ['warn', 'task failed', 2],
      ['error', 'run failed', 2],
    ]);
    for (const e of mine) {
      expect(e).toMatchObject({ flow: 'logs_json', step: 'bad', task_index: 0 });
      expect(e.err).toMatchObject({ name: 'Error', message: 'no luck', code: 'E_LUCK', stack: expect.stringMatching(/^Error \[E_LUCK\]: no luck\n/) });
    }
  });

  it('a pino-style logger gets logger.warn(fields, message), the error under err', { timeout: 30_000 }, async () => {
    const calls: Array<[string, Record<string, unknown>, string]> = [];
    const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void calls.push([level, obj, msg]);
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const flow = new Flow({ slug: 'logs_pino', maxAttempts: 1, timeout: 5 }).step({ slug: 'bad' }, (): number => {
      throw new Error('nope');
    });
    await registerFlow(db.sql, flow);
    await serve({ flows: [flow], log: logger });
    const handle = await startFlow(db.sql, flow, {});
    await expect(handle.wait({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(RunFailedError);
    // The worker logs "run failed" once fail_task has answered it, which may come after wait() has seen the run fail.
    await until(() => calls.some(([level]) => level === 'error'), 5000, 'the run failed log');
    const failed = calls.filter(([level]) => level === 'warn' || level === 'error');
    expect(failed.map(([level, , msg]) => `${level} ${msg}`)).toEqual(['warn task failed', 'error run failed']);
    expect(failed[0]![1]).toMatchObject({ flow: 'logs_pino', step: 'bad', run_id: handle.runId, attempt: 1, err: expect.any(Error) });
    expect(failed[0]![1]).not.toHaveProperty('error');
  });
});
