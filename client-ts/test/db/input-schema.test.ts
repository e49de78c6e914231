// Input schemas (Standard Schema; zod here) on a real database: startFlow and
// startFlows validate before starting anything; the worker validates the
// input of runs started elsewhere before a root step's handler runs.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunFailedError, registerFlow, startFlow, startFlows, watchRun } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { FlowInputError } from '../../src/dsl/schema.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { until, useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

const calls: string[] = [];
// baseDelay 30: a retry that waited for its delay would outlast the tests' timeouts.
const flow = new Flow({
  slug: 'validated',
  maxAttempts: 3,
  baseDelay: 30,
  timeout: 5,
  inputSchema: z.object({ n: z.number().int(), tag: z.string().optional() }),
})
  .step({ slug: 'a' }, (input) => {
    calls.push(`a ${input.run.n}`);
    return input.run.n + 1;
  })
  .step({ slug: 'b', dependsOn: ['a'] }, (input) => input.a * 2);

const runsOf = async (slug: string) =>
  Number((await db.sql`select count(*)::int as n from pgflow.runs where flow_slug = ${slug}`)[0]!.n);

describe('startFlow', () => {
  it('rejects an invalid input with the issues, and starts nothing', async () => {
    await registerFlow(db.sql, flow);
    const err = await startFlow(db.sql, flow, { n: 'four' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowInputError);
    expect(err).toMatchObject({ flowSlug: 'validated', issues: [expect.objectContaining({ path: ['n'] })] });
    expect((err as Error).message).toMatch(/^input of flow "validated" is invalid:\n {2}n: .+/);
    expect(await runsOf('validated')).toBe(0);
  });

  it('stores the schema\'s output (unknown keys stripped, as zod does)', async () => {
    const handle = await startFlow(db.sql, flow, { n: 1, extra: true } as never);
    const [run] = await db.sql`select input from pgflow.runs where run_id = ${handle.runId}::uuid`;
    expect(run!.input).toEqual({ n: 1 });
    await handle.close();
  });

  it('startFlows names the invalid input by its position, and starts none', async () => {
    const before = await runsOf('validated');
    const err = await startFlows(db.sql, flow, [{ n: 1 }, { n: 2.5 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowInputError);
    expect((err as Error).message).toMatch(/\n {2}\[1\]\.n: /);
    expect(await runsOf('validated')).toBe(before);
  });
});

describe('the worker', () => {
  it('fails a run started elsewhere with an invalid input at once, without running a handler', { timeout: 30_000 }, async () => {
    await registerFlow(db.sql, flow);
    const logged: string[] = [];
    const log = (level: string, message: string) => void logged.push(`${level} ${message}`);
    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50, log }));
    const started = Date.now();
    const [row] = await db.sql`select run_id from pgflow.start_flow('validated', '{"n": "four", "tag": 7}')`;
    const handle = await watchRun(db.sql, flow, row!.run_id as string);
    const err = await handle.wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(15_000); // no retry waited its 30 s
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err).toMatchObject({ stepSlug: 'a' });
    const message = (err as RunFailedError).errorMessage!;
    expect(message).toMatch(
      /^input of flow "validated" is invalid \(checked by the worker before step "a"; the handler did not run\):\n {2}n: .+\n {2}tag: .+$/,
    );
    expect(calls).not.toContain('a four'); // (the run of the test above, { n: 1 }, may run meanwhile)
    // the worker logs once fail_task has answered it, which may come after the run:failed event
    await until(() => logged.some((l) => l.startsWith('error')), 5_000);
    expect(logged.filter((l) => l.startsWith('error'))).toEqual(['error run failed']);
    const [task] = await db.sql`
      select attempts_count, status from pgflow.step_tasks where run_id = ${handle.runId}::uuid and step_slug = 'a'`;
    expect(task).toEqual({ attempts_count: 3, status: 'failed' });
  });

  it('runs a run started elsewhere with a valid input as usual', { timeout: 30_000 }, async () => {
    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50 }));
    calls.length = 0;
    const [row] = await db.sql`select run_id from pgflow.start_flow('validated', '{"n": 4}')`;
    const handle = await watchRun(db.sql, flow, row!.run_id as string);
    expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ b: 10 });
    expect(calls).toEqual(['a 4']);
  });
});
