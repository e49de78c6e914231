// Branches: chained steps inside the callback infer literal slugs and see each
// other, and the flow after the branch knows exactly the branch's steps.
import { expectError, expectType } from 'tsd';
import { Flow } from '../dist/index.js';
import type { FlowOutput, StepContext, StepInput, StepOutput } from '../dist/index.js';

type Run = { total: number; express: boolean };
type StepSlugsOf<F extends { '~types': { steps: object } }> = keyof F['~types']['steps'];

const base = new Flow<Run, { mailer: string }>({ slug: 'orders' }).step({ slug: 'check' }, (input) => ({
  big: input.run.total > 100,
}));

// A two-step chain inside a branch, the second depending on the first.
const reviewed = base.branch({ slug: 'review', dependsOn: ['check'], runIf: { check: { big: true } } }, (b) =>
  b
    .step({ slug: 'approve' }, (input, ctx) => {
      expectType<{ run: Run; check: { big: boolean } }>(input);
      expectType<StepContext<{ mailer: string }>>(ctx);
      return { approved: true };
    })
    .step({ slug: 'notify', dependsOn: ['approve'] }, (input) => {
      // approve may be skipped (with the whole branch): its key is optional.
      expectType<{ run: Run; check: { big: boolean }; approve?: { approved: boolean } }>(input);
      return 'reviewer notified';
    }),
);
// No widening: exactly the earlier steps plus the branch's steps.
expectType<'check' | 'approve' | 'notify'>({} as StepSlugsOf<typeof reviewed>);
expectType<{ approved: boolean }>({} as StepOutput<typeof reviewed, 'approve'>);
expectType<string>({} as StepOutput<typeof reviewed, 'notify'>);
expectType<{ notify?: string }>({} as FlowOutput<typeof reviewed>);

// After the branch: a step with a new slug, and one depending on an inner step
// (its key optional, since the branch may be skipped).
const after = reviewed
  .step({ slug: 'ship', dependsOn: ['check'], runUnless: { run: { express: false } } }, () => 'express')
  .step({ slug: 'invoice', dependsOn: ['check', 'approve'] }, (input) =>
    input.approve === undefined ? 'auto' : 'reviewed',
  );
expectType<{ run: Run; check: { big: boolean }; approve?: { approved: boolean } }>(
  {} as StepInput<typeof after, 'invoice'>,
);
expectType<'check' | 'approve' | 'notify' | 'ship' | 'invoice'>({} as StepSlugsOf<typeof after>);
expectType<{ notify?: string; ship?: string; invoice: 'auto' | 'reviewed' }>({} as FlowOutput<typeof after>);

// A branch without dependsOn: chained steps still get literal slugs.
const plain = base.branch({ slug: 'g', runUnless: { run: { express: true } } }, (b) =>
  b.step({ slug: 'a' }, () => 1).step({ slug: 'b' }, () => 2).step({ slug: 'c', dependsOn: ['a', 'b'] }, (input) => {
    expectType<{ run: Run; a?: number; b?: number }>(input);
    return 'c';
  }),
);
expectType<'check' | 'a' | 'b' | 'c'>({} as StepSlugsOf<typeof plain>);
plain.step({ slug: 'd', dependsOn: ['c'] }, (input) => input.c ?? 'none');

// A map chained inside a branch over an inner step's array.
const mapped = base.branch({ slug: 'm', runIf: { run: { express: true } } }, (b) =>
  b
    .step({ slug: 'items' }, () => [1, 2, 3])
    .map({ slug: 'doubled', array: 'items' }, (n) => {
      expectType<number>(n);
      return n * 2;
    }),
);
expectType<'check' | 'items' | 'doubled'>({} as StepSlugsOf<typeof mapped>);
expectType<number[]>({} as StepOutput<typeof mapped, 'doubled'>);

// skip_cascade: dependents outside the branch never run without the inner step,
// so its key is required there.
const cascaded = base
  .branch({ slug: 'c', runIf: { run: { express: true } }, whenUnmet: 'skip_cascade' }, (b) =>
    b.step({ slug: 'fast' }, () => 'fast').step({ slug: 'faster', dependsOn: ['fast'] }, (input) => {
      expectType<string>(input.fast);
      return 1;
    }),
  )
  .step({ slug: 'label', dependsOn: ['fast'] }, (input) => {
    expectType<string>(input.fast);
    return input.fast;
  });
expectType<'check' | 'fast' | 'faster' | 'label'>({} as StepSlugsOf<typeof cascaded>);

// What must not compile.
// Reusing an inner slug after the branch.
expectError(reviewed.step({ slug: 'approve' }, () => 1));
expectError(reviewed.step({ slug: 'notify', dependsOn: ['check'] }, () => 1));
expectError(reviewed.map({ slug: 'notify' }, () => 1));
// Depending on an unknown slug inside the branch.
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, (b) =>
    b.step({ slug: 'a' }, () => 1).step({ slug: 'b', dependsOn: ['nope'] }, () => 2),
  ),
);
// Depending on an inner step defined later.
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, (b) =>
    b.step({ slug: 'a', dependsOn: ['b'] }, () => 1).step({ slug: 'b' }, () => 2),
  ),
);
// Reusing a slug inside the branch: the flow's, or an earlier inner step's.
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, (b) => b.step({ slug: 'check' }, () => 1)),
);
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, (b) =>
    b.step({ slug: 'a' }, () => 1).step({ slug: 'a' }, () => 2),
  ),
);
// A non-literal slug in a chained inner step.
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, (b) =>
    b.step({ slug: 'a' }, () => 1).step({ slug: 'b' as string }, () => 2),
  ),
);
// A condition on a chained inner step.
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, (b) =>
    b.step({ slug: 'a' }, () => 1).step({ slug: 'b', dependsOn: ['a'], runIf: { a: 1 } }, () => 2),
  ),
);
// Reading a key that is not a dependency inside the branch.
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, (b) =>
    b.step({ slug: 'a' }, () => 1).step({ slug: 'b' }, (input) => input.a),
  ),
);
// Returning something else than the flow the callback was given.
expectError(base.branch({ slug: 'g', runIf: { run: { express: true } } }, () => 1));
expectError(
  base.branch({ slug: 'g', runIf: { run: { express: true } } }, () =>
    new Flow<{ other: string }>({ slug: 'other' }).step({ slug: 'x' }, () => 1),
  ),
);
