// Runs end to end through the client and the worker, on a real database.
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, registerFlow, RunFailedError, RunTimeoutError, startFlow, watchRun } from '../../src/client/client.js';
import type { FlowEvent } from '../../src/client/types.js';
import { compileFlow } from '../../src/compile/compile.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();
const fast = { baseDelay: 0, timeout: 5 };

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});
async function serve(...flows: Parameters<typeof startWorker>[0]['flows']) {
  const worker = await startWorker({ sql: db.sql, flows, handleSignals: false, pollIntervalMs: 50 });
  workers.push(worker);
  return worker;
}

describe('runs', () => {
  it('runs a linear flow and resolves to the leaf output', { timeout: 20_000 }, async () => {
    const flow = new Flow<{ n: number }>({ slug: 'linear', ...fast })
      .step({ slug: 'add' }, (input) => input.run.n + 1)
      .step({ slug: 'mul', dependsOn: ['add'] }, (input) => input.add * 10)
      .step({ slug: 'show', dependsOn: ['mul'] }, (input) => ({ text: `${input.run.n} -> ${input.mul}` }));
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, { n: 4 });
    const output = await handle.wait({ timeoutMs: 15_000 });
    expect(output).toEqual({ show: { text: '4 -> 50' } });

    const { run, steps } = await getRun(db.sql, handle.runId);
    expect(run.status).toBe('completed');
    expect(run.output).toEqual(output);
    expect(steps.map((s) => [s.step_slug, s.status, s.output])).toEqual([
      ['add', 'completed', 5],
      ['mul', 'completed', 50],
      ['show', 'completed', { text: '4 -> 50' }],
    ]);
  });

  it('runs a diamond: the join sees both branches, the run output holds the leaf', { timeout: 20_000 }, async () => {
    const flow = new Flow<{ word: string }>({ slug: 'diamond', ...fast })
      .step({ slug: 'root' }, (input) => input.run.word)
      .step({ slug: 'upper', dependsOn: ['root'] }, (input) => input.root.toUpperCase())
      .step({ slug: 'length', dependsOn: ['root'] }, (input) => input.root.length)
      .step({ slug: 'join', dependsOn: ['upper', 'length'] }, (input) => ({
        seen: Object.keys(input).sort(),
        text: `${input.upper}:${input.length}`,
      }));
    await registerFlow(db.sql, flow);
    await serve(flow);

    const output = await (await startFlow(db.sql, flow, { word: 'pgflow' })).wait({ timeoutMs: 15_000 });
    expect(output).toEqual({ join: { seen: ['length', 'run', 'upper'], text: 'PGFLOW:6' } });
  });

  it('maps over the run input and over a dependency, in order', { timeout: 20_000 }, async () => {
    const flow = new Flow<number[]>({ slug: 'maps', ...fast })
      .map({ slug: 'double' }, async (n, { taskIndex }) => {
        await new Promise((r) => setTimeout(r, (5 - taskIndex) * 10)); // finish out of order
        return n * 2;
      })
      .step({ slug: 'range', dependsOn: ['double'] }, (input) => input.double.map((_, i) => i))
      .map({ slug: 'square', array: 'range' }, (i) => i * i)
      .step({ slug: 'total', dependsOn: ['double', 'square'] }, (input) => ({
        double: input.double,
        square: input.square,
      }));
    await registerFlow(db.sql, flow);
    await serve(flow);

    const output = await (await startFlow(db.sql, flow, [1, 2, 3, 4, 5])).wait({ timeoutMs: 15_000 });
    expect(output).toEqual({ total: { double: [2, 4, 6, 8, 10], square: [0, 1, 4, 9, 16] } });
  });

  it('completes a root map over an empty array at once, without tasks', { timeout: 20_000 }, async () => {
    let calls = 0;
    const flow = new Flow<string[]>({ slug: 'empty_root_map', ...fast })
      .map({ slug: 'each' }, (s) => {
        calls++;
        return s.length;
      })
      .step({ slug: 'count', dependsOn: ['each'] }, (input) => input.each.length);
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, []);
    expect(await handle.wait({ timeoutMs: 15_000 })).toEqual({ count: 0 });
    expect(calls).toBe(0);
    const { steps } = await getRun(db.sql, handle.runId);
    expect(steps.find((s) => s.step_slug === 'each')).toMatchObject({ status: 'completed', output: [] });
  });

  it('completes a map over an empty array from a dependency and goes on', { timeout: 20_000 }, async () => {
    const flow = new Flow<{ items: string[] }>({ slug: 'empty_dep_map', ...fast })
      .step({ slug: 'list' }, (input) => input.run.items)
      .map({ slug: 'each', array: 'list' }, (s) => s.toUpperCase())
      .step({ slug: 'after', dependsOn: ['each'] }, (input) => ({ got: input.each }));
    await registerFlow(db.sql, flow);
    await serve(flow);

    expect(await (await startFlow(db.sql, flow, { items: [] })).wait({ timeoutMs: 15_000 })).toEqual({
      after: { got: [] },
    });
    expect(await (await startFlow(db.sql, flow, { items: ['a', 'b'] })).wait({ timeoutMs: 15_000 })).toEqual({
      after: { got: ['A', 'B'] },
    });
    const [{ tasks }] = await db.sql<[{ tasks: number }]>`
      select count(*)::int as tasks from pgflow.step_tasks where flow_slug = 'empty_dep_map' and step_slug = 'each'`;
    expect(tasks).toBe(2);
  });
});

describe('client', () => {
  it('startFlow from TypeScript and start_flow from SQL give the same run', { timeout: 20_000 }, async () => {
    const plain = new Flow<{ a: number; b: number }>({ slug: 'same_run', ...fast })
      .step({ slug: 'sum' }, (input) => input.run.a + input.run.b)
      .step({ slug: 'twice', dependsOn: ['sum'] }, (input) => input.sum * 2);
    await registerFlow(db.sql, plain);
    await serve(plain);

    const fromTs = await startFlow(db.sql, plain, { a: 2, b: 3 });
    const [{ run_id }] = await db.sql<[{ run_id: string }]>`select run_id from pgflow.start_flow('same_run', '{"a": 2, "b": 3}'::jsonb)`;
    const fromSql = await watchRun(db.sql, plain, run_id);

    const [a, b] = await Promise.all([fromTs.wait({ timeoutMs: 15_000 }), fromSql.wait({ timeoutMs: 15_000 })]);
    expect(a).toEqual({ twice: 10 });
    expect(b).toEqual(a);

    const shape = async (runId: string) => {
      const { run, steps } = await getRun(db.sql, runId);
      return {
        run: { status: run.status, input: run.input, output: run.output, remaining_steps: run.remaining_steps },
        steps: steps.map((s) => ({ slug: s.step_slug, status: s.status, output: s.output, tasks: s.initial_tasks })),
      };
    };
    expect(await shape(fromSql.runId)).toEqual(await shape(fromTs.runId));
  });

  it('startFlow takes a run id, and a run id in use is the PostgresError of start_flow', { timeout: 20_000 }, async () => {
    const flow = new Flow<{ x: number }>({ slug: 'given_id', ...fast }).step({ slug: 'echo' }, (input) => input.run.x);
    await registerFlow(db.sql, flow);
    const runId = '00000000-0000-4000-8000-000000000001';
    const handle = await startFlow(db.sql, flow, { x: 1 }, { runId });
    expect(handle.runId).toBe(runId);
    await handle.close();
    const err = await startFlow(db.sql, flow, { x: 2 }, { runId }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PostgresError', code: '23505' });
    expect((err as Error).message).toContain('already exists');
    expect((err as { hint?: string }).hint).toBeTruthy();
  });

  it('wait() rejects with RunTimeoutError when no worker runs it in time', { timeout: 20_000 }, async () => {
    const flow = new Flow({ slug: 'nobody_serves', ...fast }).step({ slug: 'a' }, () => 1);
    await registerFlow(db.sql, flow);
    const handle = await startFlow(db.sql, flow, {});
    const started = Date.now();
    const err = await handle.wait({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunTimeoutError);
    expect(err).toMatchObject({ runId: handle.runId, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    await handle.close();
  });

  it('watchRun on a finished run resolves at once (the run ended before LISTEN)', { timeout: 20_000 }, async () => {
    const flow = new Flow<number[]>({ slug: 'finished_before', ...fast }).map({ slug: 'each' }, (n) => n);
    await registerFlow(db.sql, flow);
    const [{ run_id }] = await db.sql<[{ run_id: string }]>`select run_id from pgflow.start_flow('finished_before', '[]'::jsonb)`;
    const handle = await watchRun(db.sql, flow, run_id);
    expect(await handle.wait({ timeoutMs: 2000 })).toEqual({ each: [] });
    // Its notifications are long gone: events() still ends, with the run's end read from the database.
    const events: FlowEvent[] = [];
    for await (const e of handle.events()) events.push(e);
    expect(events.map((e) => e.event)).toEqual(['run:completed']);
  });

  it('events() yields run:started, the steps, then run:completed, on a mixed-case flow slug', { timeout: 20_000 }, async () => {
    const flow = new Flow<{ n: number }>({ slug: 'MixedCase_Events', ...fast })
      .step({ slug: 'first' }, (input) => input.run.n)
      .step({ slug: 'second', dependsOn: ['first'] }, (input) => input.first + 1);
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, { n: 1 });
    const events: FlowEvent[] = [];
    for await (const e of handle.events()) events.push(e);

    expect(events.map((e) => [e.event, e.payload.step_slug])).toEqual([
      ['run:started', undefined],
      ['step:started', 'first'],
      ['step:completed', 'first'],
      ['step:started', 'second'],
      ['step:completed', 'second'],
      ['run:completed', undefined],
    ]);
    for (const e of events) {
      expect(e.payload.run_id).toBe(handle.runId);
      expect(e.topic).toBe('MixedCase_Events');
      expect(e.payload).not.toHaveProperty('output');
    }
    expect(await handle.wait()).toEqual({ second: 2 });
  });

  it('a failed run: wait() rejects with RunFailedError, events() ends with run:failed', { timeout: 20_000 }, async () => {
    const flow = new Flow({ slug: 'fails_once', maxAttempts: 1, baseDelay: 0, timeout: 5 })
      .step({ slug: 'ok' }, () => 'fine')
      .step({ slug: 'bad', dependsOn: ['ok'] }, () => {
        throw new Error('no luck');
      });
    await registerFlow(db.sql, flow);
    await serve(flow);

    const handle = await startFlow(db.sql, flow, {});
    const events: FlowEvent[] = [];
    for await (const e of handle.events()) events.push(e);
    // The stored error: name and message, then the first frames of its stack.
    const stored = expect.stringMatching(/^Error: no luck\n    at /);
    expect(events.slice(-2).map((e) => [e.event, e.payload.step_slug, e.payload.error_message])).toEqual([
      ['step:failed', 'bad', stored],
      ['run:failed', undefined, stored],
    ]);
    const err = await handle.wait().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err).toMatchObject({ runId: handle.runId, stepSlug: 'bad', errorMessage: stored });
    expect((err as Error).message).toContain('step "bad" failed: Error: no luck\n');
  });
});

describe('registerFlow', () => {
  it('registers exactly what the hand-written create_flow/add_step SQL does', { timeout: 20_000 }, async () => {
    const flow = new Flow<{ urls: string[] }>({ slug: 'compiled', maxAttempts: 5, baseDelay: 2, timeout: 30 })
      .step({ slug: 'urls', timeout: 10 }, (input) => input.run.urls)
      .map({ slug: 'fetch', array: 'urls', maxAttempts: 7, startDelay: 3 }, (url) => url.length)
      .step({ slug: 'meta' }, () => 'm')
      .step({ slug: 'report', dependsOn: ['meta', 'fetch'], baseDelay: 0 }, (input) => [input.meta, input.fetch]);
    await registerFlow(db.sql, flow);
    await registerFlow(db.sql, flow); // twice is harmless

    await db.sql.unsafe(`
      select pgflow.create_flow('by_hand', max_attempts => 5, base_delay => 2, timeout => 30);
      select pgflow.add_step('by_hand', 'urls', timeout => 10);
      select pgflow.add_step('by_hand', 'fetch', array['urls'], max_attempts => 7, start_delay => 3, step_type => 'map');
      select pgflow.add_step('by_hand', 'meta');
      select pgflow.add_step('by_hand', 'report', array['meta', 'fetch'], base_delay => 0);
    `);

    const rows = async (slug: string) => ({
      flows: await db.sql`
        select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.flows where flow_slug = ${slug}`,
      steps: await db.sql`
        select step_slug, step_type, step_index, deps_count, opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
          from pgflow.steps where flow_slug = ${slug} order by step_index`,
      deps: await db.sql`
        select dep_slug, step_slug from pgflow.deps where flow_slug = ${slug} order by step_slug, dep_slug`,
    });
    const compiled = await rows('compiled');
    expect(compiled.steps).toHaveLength(4);
    expect(compiled.deps).toHaveLength(3);
    expect(compiled).toEqual(await rows('by_hand'));
    expect(compileFlow(flow)).toContain("select pgflow.ensure_flow('compiled'");
  });

  it('another shape under the same slug is the PostgresError of ensure_flow; other options are not', { timeout: 20_000 }, async () => {
    const one = new Flow({ slug: 'reshaped' }).step({ slug: 'a' }, () => 1);
    const otherOptions = new Flow({ slug: 'reshaped' }).step({ slug: 'a', maxAttempts: 9 }, () => 1);
    const other = new Flow({ slug: 'reshaped' }).step({ slug: 'a' }, () => 1).step({ slug: 'b' }, () => 2);
    await registerFlow(db.sql, one);
    await registerFlow(db.sql, otherOptions); // options are not part of the shape
    const err = await registerFlow(db.sql, other).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PostgresError', code: '42710' });
    expect((err as Error).message).toBe('flow "reshaped" already exists with another shape:\n  step "b" added: deps [], type single');
  });
});
