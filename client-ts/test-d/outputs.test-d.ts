// FlowInput, StepInput, StepOutput, FlowOutput.
import { expectError, expectType } from 'tsd';
import type { Sql } from 'postgres';
import { Flow, startFlows, type FlowInput, type FlowOutput, type StepInput, type StepOutput } from '../dist/index.js';

const scrape = new Flow<{ url: string }>({ slug: 'scrape' })
  .step({ slug: 'fetch' }, async (input) => ({ html: input.run.url }))
  .step({ slug: 'size', dependsOn: ['fetch'] }, (input) => input.fetch.html.length)
  .step({ slug: 'words', dependsOn: ['fetch'] }, async (input) => input.fetch.html.split(' '))
  .step({ slug: 'log' }, () => null);

expectType<{ url: string }>({} as FlowInput<typeof scrape>);

// Outputs are awaited.
expectType<{ html: string }>({} as StepOutput<typeof scrape, 'fetch'>);
expectType<number>({} as StepOutput<typeof scrape, 'size'>);
expectType<string[]>({} as StepOutput<typeof scrape, 'words'>);
expectType<null>(null as StepOutput<typeof scrape, 'log'>);

expectType<{ run: { url: string } }>({} as StepInput<typeof scrape, 'fetch'>);
expectType<{ run: { url: string }; fetch: { html: string } }>({} as StepInput<typeof scrape, 'size'>);

// The run output is keyed by leaf steps only (fetch has dependents).
expectType<{ size: number; words: string[]; log: null }>({} as FlowOutput<typeof scrape>);

// A flow with no steps has an empty output.
const empty = new Flow<number>({ slug: 'empty' });
expectType<{}>({} as FlowOutput<typeof empty>);
expectType<number>({} as FlowInput<typeof empty>);

// Diamond with a map: the map's output is an array in the run output.
const diamond = new Flow<{ n: number }>({ slug: 'diamond' })
  .step({ slug: 'seed' }, (input) => Array.from({ length: input.run.n }, (_, i) => i))
  .map({ slug: 'square', array: 'seed' }, (x) => x * x)
  .step({ slug: 'sum', dependsOn: ['square'] }, (input) => input.square.reduce((a, b) => a + b, 0))
  .step({ slug: 'label', dependsOn: ['seed'] }, (input) => `${input.seed.length} items`)
  .map({ slug: 'tags', array: 'seed' }, (x) => ({ tag: String(x) }));
expectType<{ sum: number; label: string; tags: { tag: string }[] }>({} as FlowOutput<typeof diamond>);

// Unknown step slugs are rejected by the helpers.
expectError({} as StepOutput<typeof scrape, 'nope'>);
expectError({} as StepInput<typeof scrape, 'nope'>);
// Builders are immutable: the base flow's type does not know later steps.
const base = new Flow<string>({ slug: 'base' });
base.step({ slug: 'a' }, () => 1);
expectType<{}>({} as FlowOutput<typeof base>);

// startFlows: inputs typed by the flow, run ids back.
declare const bulkSql: Sql;
const bulk = new Flow<{ n: number }>({ slug: 'bulk' }).step({ slug: 'a' }, (i) => i.run.n);
expectType<Promise<string[]>>(startFlows(bulkSql, bulk, [{ n: 1 }, { n: 2 }]));
expectError(startFlows(bulkSql, bulk, [{ n: 'one' }]));
