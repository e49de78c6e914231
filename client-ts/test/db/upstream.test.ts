// A flow written for @pgflow/dsl 0.8.1 (test/fixtures/upstream-flows.ts, only
// its import changed) registered and run end to end by this package's worker.
import { afterEach, describe, expect, it } from 'vitest';
import { getRun, registerFlow, startFlow, startWorker, type Worker } from '../../src/index.js';
import { AnalyzeWebsite, ProcessStrings, audited } from '../fixtures/upstream-flows.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

describe('a flow written for @pgflow/dsl', () => {
  it('runs .step, .array, a dependent map and a void step to the leaf output', { timeout: 30_000 }, async () => {
    await registerFlow(db.sql, AnalyzeWebsite);
    workers.push(await startWorker({ sql: db.sql, flows: [AnalyzeWebsite], handleSignals: false, pollIntervalMs: 50 }));

    const run = await startFlow(db.sql, AnalyzeWebsite, { url: 'https://example.com', minLength: 5 });
    expect(await run.wait({ timeoutMs: 20_000 })).toEqual({ saveToDb: 'success' });
    expect(audited).toContain('https://example.com');

    const { steps } = await getRun(db.sql, run.runId);
    const output = Object.fromEntries(steps.map((s) => [s.step_slug, s.output]));
    expect(output).toEqual({
      website: { content: 'Title of https://example.com\nfirst paragraph has five words\nok\nsecond paragraph here' },
      paragraphs: ['Title of https://example.com', 'first paragraph has five words', 'second paragraph here'],
      wordCounts: [3, 5, 3],
      sentiment: { score: 0.75 },
      audit: null, // a handler that returns nothing: stored as null
      saveToDb: 'success',
    });
    expect(steps.every((s) => s.status === 'completed')).toBe(true);
  });

  it('runs a root map over the flow input', { timeout: 30_000 }, async () => {
    await registerFlow(db.sql, ProcessStrings);
    workers.push(await startWorker({ sql: db.sql, flows: [ProcessStrings], handleSignals: false, pollIntervalMs: 50 }));

    const run = await startFlow(db.sql, ProcessStrings, ['  Hello ', 'World', '']);
    expect(await run.wait({ timeoutMs: 20_000 })).toEqual({ total: 10 });
    const { steps } = await getRun(db.sql, run.runId);
    expect(Object.fromEntries(steps.map((s) => [s.step_slug, s.output]))).toEqual({
      normalize: ['hello', 'world', ''],
      lengths: [5, 5, 0],
      total: 10,
    });
  });
});
