// The flow input must be JSON, as step outputs must: it goes through jsonb too.
import { expectError, expectType } from 'tsd';
import { Flow, type FlowInput, type Json } from '../dist/index.js';

// JSON shapes compile.
expectType<{ url: string; tags?: string[] }>({} as FlowInput<Flow<{ url: string; tags?: string[] }>>);
new Flow<{ url: string; depth?: number; meta: { a: null | boolean }[] }>({ slug: 'ok' });
new Flow<string[]>({ slug: 'ok' });
new Flow<[number, string]>({ slug: 'ok' });
new Flow<null>({ slug: 'ok' });
new Flow<Json>({ slug: 'ok' });
new Flow<Record<string, number>>({ slug: 'ok' });
new Flow<{}>({ slug: 'ok' });
new Flow({ slug: 'ok' });
interface Point {
  x: number;
  y: number;
}
new Flow<Point>({ slug: 'ok' });
new Flow<any>({ slug: 'ok' });

// Not JSON: must not compile.
class Counter {
  count = 0;
  increment() {
    this.count++;
  }
}
expectError(new Flow<{ at: Date }>({ slug: 'x' }));
expectError(new Flow<Date>({ slug: 'x' }));
expectError(new Flow<{ cb: () => void }>({ slug: 'x' }));
expectError(new Flow<{ m: Map<string, number> }>({ slug: 'x' }));
expectError(new Flow<{ s: Set<string> }>({ slug: 'x' }));
expectError(new Flow<{ n: bigint }>({ slug: 'x' }));
expectError(new Flow<{ c: Counter }>({ slug: 'x' }));
expectError(new Flow<{ nested: { deep: [{ at: Date }] } }>({ slug: 'x' }));
expectError(new Flow<{ list: Date[] }>({ slug: 'x' }));
expectError(new Flow<(string | undefined)[]>({ slug: 'x' }));
expectError(new Flow<undefined>({ slug: 'x' }));
expectError(new Flow<symbol>({ slug: 'x' }));
expectError(new Flow<unknown>({ slug: 'x' }));
// A key that may be undefined must be optional (JSON.stringify drops it).
expectError(new Flow<{ note: string | undefined }>({ slug: 'x' }));
new Flow<{ note?: string | undefined }>({ slug: 'ok' });
// Also with a context type argument.
expectError(new Flow<{ at: Date }, { apiKey: string }>({ slug: 'x' }));
