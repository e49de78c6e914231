// whenExhausted: a step that may be skipped when its attempts run out is an
// optional key of its dependents' input (and of the run output when it is a
// leaf); 'skip_cascade' keeps it required below (the dependents are skipped
// with it); 'fail', the default, changes nothing. PermanentError and
// RetryAfterError are what a handler throws.
import { expectAssignable, expectError, expectType } from 'tsd';
import { Flow, PermanentError, RetryAfterError } from '../dist/index.js';
import type { FlowOutput, StepInput, WhenExhausted } from '../dist/index.js';

const base = new Flow<{ id: number }>({ slug: 'we' }).step({ slug: 'order' }, (input) => ({ id: input.run.id }));

const flow = base
  .step({ slug: 'enrich', dependsOn: ['order'], whenExhausted: 'skip' }, () => ({ geo: 'DE' }))
  .step({ slug: 'score', dependsOn: ['order'], whenExhausted: 'skip_cascade' }, () => 7)
  .step({ slug: 'strict', dependsOn: ['order'], whenExhausted: 'fail' }, () => true)
  .step({ slug: 'plain', dependsOn: ['order'] }, () => 'p')
  .step({ slug: 'report', dependsOn: ['order', 'enrich', 'score', 'strict', 'plain'] }, (input) => {
    expectType<{ geo: string } | undefined>(input.enrich);
    expectType<number>(input.score);
    expectType<boolean>(input.strict);
    expectType<string>(input.plain);
    return input.enrich?.geo ?? 'unknown';
  });
const twoDeps = base
  .step({ slug: 'enrich', dependsOn: ['order'], whenExhausted: 'skip' }, () => ({ geo: 'DE' }))
  .step({ slug: 'x', dependsOn: ['order', 'enrich'] }, () => 1);
expectType<{ run: { id: number }; order: { id: number }; enrich?: { geo: string } }>({} as StepInput<typeof twoDeps, 'x'>);

// Leaves: one that may be skipped is optional in the run output.
const leaves = base
  .step({ slug: 'maybe', dependsOn: ['order'], whenExhausted: 'skip' }, () => 1)
  .step({ slug: 'gone', dependsOn: ['order'], whenExhausted: 'skip_cascade' }, () => 's')
  .step({ slug: 'after', dependsOn: ['gone'] }, (input) => input.gone.length)
  .step({ slug: 'sure', dependsOn: ['order'] }, () => true);
expectType<{ maybe?: number; after?: number; sure: boolean }>({} as FlowOutput<typeof leaves>);

// A map over a step that may be skipped may be skipped too; maps take the option as well.
const maps = new Flow<number[]>({ slug: 'we_maps' })
  .map({ slug: 'double', whenExhausted: 'skip' }, (n) => n * 2)
  .step({ slug: 'sum', dependsOn: ['double'] }, (input) => {
    expectType<number[] | undefined>(input.double);
    return (input.double ?? []).length;
  });
expectType<{ sum: number }>({} as FlowOutput<typeof maps>);

// Only the three words.
expectError(base.step({ slug: 'bad', whenExhausted: 'ignore' }, () => 1));
expectError(base.step({ slug: 'bad', whenExhausted: true }, () => 1));
expectAssignable<WhenExhausted>('skip_cascade' as const);

// Errors a handler throws.
expectType<false>(new PermanentError('declined').retryable);
expectType<number>(new RetryAfterError('slow down', 30).retryAfter);
expectError(new RetryAfterError('no seconds'));
