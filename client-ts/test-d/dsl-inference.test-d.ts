// What handler inputs and contexts are inferred as, for single steps.
import { expectAssignable, expectType } from 'tsd';
import { Flow, type Json, type StepContext } from '../dist/index.js';

type Input = { url: string };

new Flow<Input>({ slug: 'scrape', maxAttempts: 5, baseDelay: 2, timeout: 30 })
  .step({ slug: 'fetch' }, async (input, ctx) => {
    expectType<{ run: Input }>(input);
    expectType<StepContext<{}>>(ctx);
    return { html: input.run.url, status: 200 };
  })
  .step({ slug: 'size', dependsOn: ['fetch'] }, (input) => {
    // Awaited output of the dependency, not a promise.
    expectType<{ run: Input; fetch: { html: string; status: number } }>(input);
    return input.fetch.html.length;
  })
  .step({ slug: 'title', dependsOn: ['fetch'], startDelay: 5 }, (input) => input.fetch.html.slice(0, 10))
  .step({ slug: 'save', dependsOn: ['size', 'title'] }, (input) => {
    expectType<{ run: Input; size: number; title: string }>(input);
    return null;
  })
  .step({ slug: 'audit', dependsOn: [] }, (input) => {
    expectType<{ run: Input }>(input);
    return true;
  });

// The user context type reaches every handler through context.context.
type Secrets = { apiKey: string };
new Flow<{ id: number }, Secrets>({ slug: 'sync' }).step({ slug: 'get' }, (input, ctx) => {
  expectType<Secrets>(ctx.context);
  expectType<AbortSignal>(ctx.signal);
  expectType<number>(ctx.attempt);
  expectType<string>(ctx.runId);
  expectType<string>(ctx.stepSlug);
  expectType<number>(ctx.taskIndex);
  return { id: input.run.id, key: ctx.context.apiKey.length };
});

// Without a type argument the input is any JSON value.
new Flow({ slug: 'untyped' }).step({ slug: 'a' }, (input) => {
  expectType<{ run: Json }>(input);
  return input.run;
});

// JSON-compatible outputs of every shape compile.
new Flow<null>({ slug: 'shapes' })
  .step({ slug: 'prim' }, () => 'text')
  .step({ slug: 'nul' }, () => null)
  .step({ slug: 'arr' }, () => [1, 'two', null, { three: [3] }])
  .step({ slug: 'tuple' }, () => [1, 'a'] as [number, string])
  .step({ slug: 'opt' }, (): { a: string; b?: number } => ({ a: 'x' }))
  .step({ slug: 'json' }, (): Json => ({ any: ['json'] }))
  .step({ slug: 'rec' }, (): Record<string, number[]> => ({}))
  .step({ slug: 'iface' }, (): Point => ({ x: 1, y: 2 }))
  .step({ slug: 'untyped' }, (): any => JSON.parse('{}'))
  .step({ slug: 'throws' }, (): never => {
    throw new Error('no');
  });
interface Point {
  x: number;
  y: number;
}

// Runtime step definitions are plain data the worker can use.
const flow = new Flow<Input>({ slug: 'scrape' }).step({ slug: 'fetch' }, () => 1);
expectType<string>(flow.slug);
expectType<'single' | 'map' | 'signal'>(flow.steps[0]!.type);
expectType<readonly string[]>(flow.steps[0]!.dependsOn);
expectAssignable<Function | undefined>(flow.getStep('fetch')?.handler);
