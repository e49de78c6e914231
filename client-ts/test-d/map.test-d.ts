// Map steps: what an element is typed as, and which maps must not compile.
import { expectError, expectType } from 'tsd';
import { Flow, type StepContext, type StepInput, type StepOutput } from '../dist/index.js';

// A root map maps over the run input: each task gets one element.
const nums = new Flow<number[]>({ slug: 'nums' })
  .map({ slug: 'double' }, (n, ctx) => {
    expectType<number>(n);
    expectType<StepContext<{}>>(ctx);
    return n * 2;
  })
  .step({ slug: 'total', dependsOn: ['double'] }, (input) => {
    // Dependents see the array of element outputs.
    expectType<{ run: number[]; double: number[] }>(input);
    return input.double.reduce((a, b) => a + b, 0);
  });
expectType<number[]>({} as StepOutput<typeof nums, 'double'>);
expectType<number>({} as StepInput<typeof nums, 'double'>);

// Readonly arrays and tuples work as map sources too.
new Flow<readonly string[]>({ slug: 'ro' }).map({ slug: 'len' }, (s) => {
  expectType<string>(s);
  return s.length;
});
new Flow<[string, number]>({ slug: 'tup' }).map({ slug: 'each' }, (v) => {
  expectType<string | number>(v);
  return v;
});

// A dependent map maps over another step's output array.
const pages = new Flow<{ site: string }>({ slug: 'pages' })
  .step({ slug: 'list' }, async (input) => [{ url: input.run.site, depth: 0 }])
  .map({ slug: 'fetch', array: 'list', timeout: 30 }, async (page) => {
    expectType<{ url: string; depth: number }>(page);
    return { url: page.url, bytes: 10 };
  })
  .map({ slug: 'sizes', array: 'fetch' }, (r) => {
    expectType<{ url: string; bytes: number }>(r);
    return r.bytes;
  });
expectType<{ url: string; bytes: number }[]>({} as StepOutput<typeof pages, 'fetch'>);
expectType<number[]>({} as StepOutput<typeof pages, 'sizes'>);

// Map handlers get the flow's user context.
new Flow<string[], { db: string }>({ slug: 'ctx' }).map({ slug: 'm' }, (s, ctx) => {
  expectType<{ db: string }>(ctx.context);
  return s + ctx.context.db;
});

// Must not compile: root map over a non-array input.
expectError(new Flow<{ site: string }>({ slug: 'x' }).map({ slug: 'm' }, (x) => x));
expectError(new Flow<string>({ slug: 'x' }).map({ slug: 'm' }, (x) => x));
// ... a map over a step whose output is not an array, or unknown.
expectError(pages.map({ slug: 'm', array: 'nope' }, (x) => x));
expectError(
  new Flow<null>({ slug: 'x' })
    .step({ slug: 'obj' }, () => ({ items: [1, 2] }))
    .map({ slug: 'm', array: 'obj' }, (x) => x),
);
expectError(nums.map({ slug: 'm', array: 'total' }, (x) => x));
// ... a map with dependsOn (its only dependency is `array`).
expectError(pages.map({ slug: 'm', array: 'list', dependsOn: ['fetch'] }, (x) => x));
// ... a duplicate slug, a non-JSON output, an element used as the wrong type.
expectError(pages.map({ slug: 'fetch', array: 'list' }, (x) => x));
expectError(pages.map({ slug: 'm', array: 'list' }, () => new Date()));
expectError(pages.map({ slug: 'm', array: 'list' }, (page) => page.nope));
expectError(nums.map({ slug: 'm' }, (n) => n.toUpperCase()));

// The error of a map over a non-array names the problem (its text is checked
// in test/type-errors.test.ts); here: what still must not compile.
expectError(
  new Flow<{ id: string }>({ slug: 'x' })
    .step({ slug: 'name' }, (input) => input.run.id)
    .map({ slug: 'chars', array: 'name' }, (c) => c),
);
expectError(new Flow<{ items: number[] }>({ slug: 'x' }).map({ slug: 'm' }, (x) => x));
// An array step (.array) feeds a map; so does a step typed as returning a readonly array.
const fed = new Flow<null>({ slug: 'fed' })
  .array({ slug: 'ids' }, () => [1, 2, 3])
  .step({ slug: 'ro' }, (): readonly string[] => ['a'])
  .map({ slug: 'double', array: 'ids' }, (n) => n * 2)
  .map({ slug: 'upper', array: 'ro' }, (s) => s.toUpperCase());
expectType<number[]>({} as StepOutput<typeof fed, 'double'>);
expectType<string[]>({} as StepOutput<typeof fed, 'upper'>);
