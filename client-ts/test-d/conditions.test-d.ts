// Conditions and branches: patterns are typed by the step input; skippable
// dependencies are optional keys.
import { expectError, expectType } from 'tsd';
import { Flow } from '../dist/index.js';
import type { FlowOutput, StepInput } from '../dist/index.js';

const base = new Flow<{ plan: 'free' | 'pro'; user: { id: number; address: { country: string } }; tags: string[] }>({
  slug: 'cond',
}).step({ slug: 'fetch' }, () => ({ ok: true, items: [{ id: 1, kind: 'a' }] }));

// What compiles: patterns that match the input shape, partially and nested.
base.step({ slug: 'a', runIf: { run: { plan: 'pro' } } }, () => 1);
base.step({ slug: 'a', runIf: { run: { user: { address: { country: 'DE' } } } } }, () => 1);
base.step({ slug: 'a', runIf: { run: { tags: ['x'] } }, runUnless: { run: { plan: 'free' } } }, () => 1);
base.step({ slug: 'a', dependsOn: ['fetch'], runIf: { fetch: { ok: true }, run: {} } }, () => 1);
base.step({ slug: 'a', dependsOn: ['fetch'], runIf: { fetch: { items: [{ kind: 'a' }] } } }, () => 1);
base.step({ slug: 'a', runIf: {} }, () => 1);
base.step({ slug: 'a', runIf: { run: { plan: 'pro' } }, whenUnmet: 'skip_cascade' }, () => 1);
base.step({ slug: 'a', runUnless: { run: { plan: 'pro' } }, whenUnmet: 'fail' }, () => 1);
new Flow<number[]>({ slug: 'nums' }).map({ slug: 'm', runUnless: { run: [0] } }, (n) => n * 2);

// What does not: unknown keys, wrong value types, a key that is not a dependency.
expectError(base.step({ slug: 'a', runIf: { run: { nope: 1 } } }, () => 1));
expectError(base.step({ slug: 'a', runIf: { run: { plan: 'gold' } } }, () => 1));
expectError(base.step({ slug: 'a', runIf: { run: { user: { id: 'x' } } } }, () => 1));
expectError(base.step({ slug: 'a', runIf: { run: { user: { address: { zip: 1 } } } } }, () => 1));
expectError(base.step({ slug: 'a', runIf: { run: { tags: [1] } } }, () => 1));
expectError(base.step({ slug: 'a', runIf: { fetch: { ok: true } } }, () => 1));
expectError(base.step({ slug: 'a', dependsOn: ['fetch'], runUnless: { other: 1 } }, () => 1));
expectError(base.step({ slug: 'a', dependsOn: ['fetch'], runIf: { fetch: { ok: 'yes' } } }, () => 1));
expectError(base.step({ slug: 'a', runIf: { run: { plan: 'pro' } }, whenUnmet: 'ignore' }, () => 1));
expectError(new Flow<number[]>({ slug: 'nums' }).map({ slug: 'm', runUnless: { run: ['0'] } }, (n) => n * 2));

// A dependent of a step that may be skipped sees its key as optional.
const skippy = base
  .step({ slug: 'maybe', dependsOn: ['fetch'], runIf: { fetch: { ok: true } } }, () => ({ n: 1 }))
  .step({ slug: 'casc', runIf: { run: { plan: 'pro' } }, whenUnmet: 'skip_cascade' }, () => 'c')
  .step({ slug: 'must', runIf: { run: { plan: 'pro' } }, whenUnmet: 'fail' }, () => true)
  .step({ slug: 'join', dependsOn: ['maybe', 'casc', 'must', 'fetch'] }, (input) => {
    expectType<{ n: number } | undefined>(input.maybe);
    expectType<string>(input.casc);
    expectType<boolean>(input.must);
    return input.maybe?.n ?? 0;
  });
const withMaybe = skippy.step({ slug: 'x', dependsOn: ['maybe'] }, (input) => input.maybe?.n ?? 0);
expectType<{
  run: { plan: 'free' | 'pro'; user: { id: number; address: { country: string } }; tags: string[] };
  maybe?: { n: number };
}>({} as StepInput<typeof withMaybe, 'x'>);
// Run output: leaves that may be skipped are optional.
const leaves = base
  .step({ slug: 'opt', runIf: { run: { plan: 'pro' } } }, () => 1)
  .step({ slug: 'gone', runIf: { run: { plan: 'pro' } }, whenUnmet: 'skip_cascade' }, () => 's')
  .step({ slug: 'after', dependsOn: ['gone'] }, (input) => input.gone.length)
  .step({ slug: 'sure', dependsOn: ['fetch'] }, () => true);
expectType<{ opt?: number; after?: number; sure: boolean }>({} as FlowOutput<typeof leaves>);

// Branches: one condition for a group; its steps read the branch's dependsOn.
const branched = base
  .branch({ slug: 'premium', dependsOn: ['fetch'], runIf: { fetch: { ok: true }, run: { plan: 'pro' } } }, (b) =>
    b
      .step({ slug: 'report' }, (input) => {
        expectType<{ ok: boolean; items: { id: number; kind: string }[] }>(input.fetch);
        return input.fetch.items.length;
      })
      .step({ slug: 'email', dependsOn: ['report'] }, (input) => {
        expectType<number | undefined>(input.report);
        return 'sent';
      }),
  )
  .step({ slug: 'summary', dependsOn: ['email', 'fetch'] }, (input) => {
    expectType<string | undefined>(input.email);
    return input.email ?? 'skipped';
  });
expectType<{ summary: string }>({} as FlowOutput<typeof branched>);

expectError(base.branch({ slug: 'fetch', runIf: { run: { plan: 'pro' } } }, (b) => b.step({ slug: 'x' }, () => 1)));
expectError(base.branch({ slug: 'g', runIf: { fetch: { ok: true } } }, (b) => b.step({ slug: 'x' }, () => 1)));
expectError(base.branch({ slug: 'g', runIf: { run: { plan: 'gold' } } }, (b) => b.step({ slug: 'x' }, () => 1)));
expectError(
  base.branch({ slug: 'g', runIf: { run: { plan: 'pro' } } }, (b) =>
    b.step({ slug: 'x', runIf: { run: { plan: 'pro' } } }, () => 1),
  ),
);
expectError(
  base.branch({ slug: 'g', runIf: { run: { plan: 'pro' } } }, (b) =>
    b.branch({ slug: 'h', runIf: { run: { plan: 'pro' } } }, (c) => c.step({ slug: 'x' }, () => 1)),
  ),
);
