// whenExhausted against the real engine: an optional step that fails for good
// is skipped, its dependent runs without its key and the run completes; the
// option travels through compileFlow and registerFlow (ensure_flow).
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlow, startFlow } from '../../src/client/client.js';
import { compileFlow } from '../../src/compile/compile.js';
import { Flow } from '../../src/dsl/flow.js';
import { FlowDefinitionError } from '../../src/dsl/validate.js';
import { PermanentError } from '../../src/worker/errors.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

describe('whenExhausted', () => {
  it("'skip': the run completes without the step, its dependent without its key", { timeout: 20_000 }, async () => {
    const seen: unknown[] = [];
    const flow = new Flow<{ id: number }>({ slug: 'we_ts', maxAttempts: 2, baseDelay: 0, timeout: 5 })
      .step({ slug: 'order' }, (input) => ({ id: input.run.id }))
      .step({ slug: 'enrich', dependsOn: ['order'], whenExhausted: 'skip' }, () => {
        throw new Error('geo service down');
      })
      .step({ slug: 'report', dependsOn: ['order', 'enrich'] }, (input) => {
        seen.push(input);
        return input.enrich === undefined ? 'without enrichment' : 'enriched';
      });
    expect(compileFlow(flow)).toContain('"options": {"when_exhausted": "skip"}');
    await registerFlow(db.sql, flow);
    const [row] = await db.sql`select when_exhausted from pgflow.steps where flow_slug = 'we_ts' and step_slug = 'enrich'`;
    expect(row).toEqual({ when_exhausted: 'skip' });

    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50, log: () => {} }));
    const run = await startFlow(db.sql, flow, { id: 7 });
    expect(await run.wait({ timeoutMs: 15_000 })).toEqual({ report: 'without enrichment' });
    await run.close();
    expect(seen).toEqual([{ run: { id: 7 }, order: { id: 7 } }]);
    const states = await db.sql`
      select step_slug, status, skip_reason from pgflow.step_states where run_id = ${run.runId}::uuid order by step_slug`;
    expect(states).toEqual([
      { step_slug: 'enrich', status: 'skipped', skip_reason: 'exhausted' },
      { step_slug: 'order', status: 'completed', skip_reason: null },
      { step_slug: 'report', status: 'completed', skip_reason: null },
    ]);
  });

  it("'skip_cascade' with a PermanentError: skipped at once, with everything after it", { timeout: 20_000 }, async () => {
    let calls = 0;
    const flow = new Flow({ slug: 'we_ts_cascade', maxAttempts: 5, baseDelay: 0, timeout: 5 })
      .step({ slug: 'a' }, () => 'a')
      .step({ slug: 'b', dependsOn: ['a'], whenExhausted: 'skip_cascade' }, () => {
        calls++;
        throw new PermanentError('no such account');
      })
      .step({ slug: 'c', dependsOn: ['b'] }, () => 'c');
    await registerFlow(db.sql, flow);
    workers.push(await startWorker({ sql: db.sql, flows: [flow], handleSignals: false, pollIntervalMs: 50, log: () => {} }));
    const run = await startFlow(db.sql, flow, {});
    expect(await run.wait({ timeoutMs: 15_000 })).toEqual({});
    await run.close();
    expect(calls).toBe(1);
  });

  it('rejects an unknown value when the flow is defined', () => {
    expect(() => new Flow({ slug: 'we_bad' }).step({ slug: 'a', whenExhausted: 'ignore' as 'skip' }, () => 1)).toThrow(
      new FlowDefinitionError('invalid whenExhausted "ignore" for step "a": must be fail, skip, skip_cascade'),
    );
  });
});
