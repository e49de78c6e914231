// Misuse that must not compile.
import { expectError } from 'tsd';
import { Flow } from '../dist/index.js';

const flow = new Flow<{ url: string }>({ slug: 'scrape' })
  .step({ slug: 'fetch' }, async (input) => ({ html: input.run.url }))
  .step({ slug: 'size', dependsOn: ['fetch'] }, (input) => input.fetch.html.length);

// Slugs: duplicate, reserved, not a literal.
expectError(flow.step({ slug: 'fetch' }, () => 1));
expectError(flow.step({ slug: 'run' }, () => 1));
expectError(flow.step({ slug: 'x' as string }, () => 1));
expectError(flow.map({ slug: 'size', array: 'fetch' }, () => 1));

// Dependencies: unknown, or not an array of slugs.
expectError(flow.step({ slug: 'x', dependsOn: ['nope'] }, () => 1));
expectError(flow.step({ slug: 'x', dependsOn: ['fetch', 'nope'] }, () => 1));
expectError(new Flow({ slug: 'empty' }).step({ slug: 'x', dependsOn: ['fetch'] }, () => 1));
expectError(flow.step({ slug: 'x', dependsOn: 'fetch' }, () => 1));

// Reading a key that is not a dependency.
expectError(flow.step({ slug: 'x' }, (input) => input.fetch));
expectError(flow.step({ slug: 'x', dependsOn: ['fetch'] }, (input) => input.size));
expectError(flow.step({ slug: 'x', dependsOn: ['size'] }, (input) => input.other));
expectError(flow.step({ slug: 'x' }, (input) => input.run.nope));

// Using a dependency's output as the wrong type.
expectError(flow.step({ slug: 'x', dependsOn: ['size'] }, (input) => input.size.toUpperCase()));

// Options: unknown keys, wrong types, flow-only keys.
expectError(flow.step({ slug: 'x', timout: 5 }, () => 1));
expectError(flow.step({ slug: 'x', maxAttempts: '3' }, () => 1));
expectError(new Flow({ slug: 'f', startDelay: 5 }));
expectError(new Flow({ slug: 'f', max_attempts: 5 }));
expectError(new Flow({}));

// Handlers must return JSON-serializable values.
expectError(flow.step({ slug: 'x' }, () => () => 1));
expectError(flow.step({ slug: 'x' }, () => Symbol('s')));
// (A handler returning nothing is a side-effect step: test-d/void-handlers.test-d.ts.)
expectError(flow.step({ slug: 'x' }, () => new Date()));
expectError(flow.step({ slug: 'x' }, async () => new Date()));
expectError(flow.step({ slug: 'x' }, () => new Map<string, number>()));
expectError(flow.step({ slug: 'x' }, () => new Set([1])));
expectError(flow.step({ slug: 'x' }, () => 10n));
expectError(flow.step({ slug: 'x' }, () => new Counter()));
expectError(flow.step({ slug: 'x' }, () => ({ nested: { at: new Date() } })));
expectError(flow.step({ slug: 'x' }, () => ({ fn: () => 1 })));
expectError(flow.step({ slug: 'x' }, () => [1, undefined]));
expectError(flow.step({ slug: 'x' }, () => [() => 1]));
expectError(flow.step({ slug: 'x' }, (): unknown => 1));
expectError(flow.step({ slug: 'x' }, (): number | undefined => 1));
class Counter {
  count = 0;
  increment() {
    this.count++;
  }
}

// Features that do not exist (conditions are runIf / runUnless: test-d/conditions.test-d.ts).
expectError(flow.step({ slug: 'x', skipIf: true }, () => 1));
expectError(flow.runIf);
