import { describe, expect, it } from 'vitest';
import { Flow, FlowDefinitionError } from '../src/index.js';

// Plain-JS view of the builder, to reach the runtime checks the types prevent.
const untyped = (flow: Flow<any, any, any>) => flow as any;
const base = () =>
  new Flow<{ url: string }>({ slug: 'scrape' })
    .step({ slug: 'fetch' }, async (input) => ({ html: input.run.url }))
    .step({ slug: 'size', dependsOn: ['fetch'] }, (input) => input.fetch.html.length);

function error(fn: () => unknown): FlowDefinitionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlowDefinitionError);
    expect((err as Error).name).toBe('FlowDefinitionError');
    return err as FlowDefinitionError;
  }
  throw new Error('expected a FlowDefinitionError');
}
const message = (fn: () => unknown) => error(fn).message;

describe('Flow', () => {
  it('records slug, options that were set, and steps in definition order', () => {
    const handler = (n: number) => n * 2;
    const flow = new Flow<number[]>({ slug: 'nums', maxAttempts: 5, timeout: 10 })
      .map({ slug: 'double', startDelay: 0 }, handler)
      .step({ slug: 'total', dependsOn: ['double'], baseDelay: 2 }, (i) => i.double.length)
      .map({ slug: 'again', array: 'double' }, (n) => n);
    expect(flow.slug).toBe('nums');
    expect(flow.options).toEqual({ maxAttempts: 5, timeout: 10 });
    expect(flow.steps.map(({ handler: _, ...s }) => s)).toEqual([
      { slug: 'double', type: 'map', dependsOn: [], options: { startDelay: 0 } },
      { slug: 'total', type: 'single', dependsOn: ['double'], options: { baseDelay: 2 } },
      { slug: 'again', type: 'map', dependsOn: ['double'], options: {} },
    ]);
    expect(flow.getStep('double')?.handler).toBe(handler);
    expect(flow.getStep('nope')).toBeUndefined();
  });

  it('is immutable: each step returns a new flow and leaves the old one alone', () => {
    const a = new Flow<string>({ slug: 'a' });
    const b = a.step({ slug: 'one' }, () => 1);
    const c = a.step({ slug: 'one' }, () => 'other');
    expect(a.steps).toEqual([]);
    expect(b).not.toBe(a);
    expect(b.steps).toHaveLength(1);
    expect(c.steps).toHaveLength(1);
    expect(Object.isFrozen(b.steps)).toBe(true);
    expect(Object.isFrozen(b.steps[0])).toBe(true);
    expect(Object.isFrozen(b.options)).toBe(true);
    expect(() => (b.steps as unknown[]).push(1)).toThrow(TypeError);
  });

  it('handlers run as given', async () => {
    const flow = base();
    await expect(flow.getStep('fetch')!.handler({ run: { url: 'x' } }, {} as any)).resolves.toEqual({ html: 'x' });
  });

  it('accepts boundary values', () => {
    const max = 2147483647;
    const flow = new Flow({ slug: 'a'.repeat(47), maxAttempts: 0, baseDelay: 0, timeout: 1 }).step(
      { slug: `_${'b'.repeat(127)}`, maxAttempts: max, baseDelay: max, timeout: max - 2, startDelay: max },
      () => 1,
    );
    expect(flow.steps[0]!.options).toEqual({ maxAttempts: max, baseDelay: max, timeout: max - 2, startDelay: max });
    // a timeout's lease is timeout + 2 s in pgmq's integer: the database's bound
    expect(new Flow({ slug: 'A_1', timeout: max - 2 }).options).toEqual({ timeout: max - 2 });
    expect(() => new Flow({ slug: 'A_2', timeout: max - 1 })).toThrow('between 1 and 2147483645');
  });
});

describe('flow validation', () => {
  it.each([
    ['1bad', 'invalid flow slug "1bad": must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and be at most 47 characters'],
    ['', 'invalid flow slug "": must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and be at most 47 characters'],
    ['has-dash', 'invalid flow slug "has-dash": must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and be at most 47 characters'],
    ['a'.repeat(48), `invalid flow slug "${'a'.repeat(48)}": must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and be at most 47 characters`],
    [42, 'invalid flow slug 42: must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and be at most 47 characters'],
    [undefined, 'invalid flow slug undefined: must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and be at most 47 characters'],
    ['run', 'flow slug "run" is reserved: task inputs keep the flow input under "run"'],
  ])('rejects flow slug %j', (slug, expected) => {
    expect(message(() => new Flow({ slug } as any))).toBe(expected);
  });

  it.each([
    [{ maxAttempts: -1 }, 'invalid maxAttempts -1 for flow "f": must be an integer between 0 and 2147483647'],
    [{ maxAttempts: 1.5 }, 'invalid maxAttempts 1.5 for flow "f": must be an integer between 0 and 2147483647'],
    [{ baseDelay: -1 }, 'invalid baseDelay -1 for flow "f": must be an integer between 0 and 2147483647'],
    [{ timeout: 0 }, 'invalid timeout 0 for flow "f": must be an integer between 1 and 2147483645'],
    [{ timeout: 2147483648 }, 'invalid timeout 2147483648 for flow "f": must be an integer between 1 and 2147483645'],
    [{ timeout: '5' }, 'invalid timeout "5" for flow "f": must be an integer between 1 and 2147483645'],
    [{ timeout: NaN }, 'invalid timeout NaN for flow "f": must be an integer between 1 and 2147483645'],
    [{ timeout: null }, 'invalid timeout null for flow "f": must be an integer between 1 and 2147483645'],
    [{ startDelay: 1 }, 'unknown option "startDelay" for flow "f"'],
    [{ max_attempts: 1 }, 'unknown option "max_attempts" for flow "f"'],
  ])('rejects flow options %j', (options, expected) => {
    expect(message(() => new Flow({ slug: 'f', ...options } as any))).toBe(expected);
  });

  it('rejects a config that is not an object', () => {
    expect(message(() => new (Flow as any)('scrape'))).toBe('new Flow() takes { slug, ...options }, got "scrape"');
  });
});

describe('step validation', () => {
  const slugRule = 'must match ^[a-zA-Z_][a-zA-Z0-9_]*$ and be at most 128 characters';
  it.each([
    ['1bad', `invalid step slug "1bad": ${slugRule}`],
    ['a b', `invalid step slug "a b": ${slugRule}`],
    ['x'.repeat(129), `invalid step slug "${'x'.repeat(129)}": ${slugRule}`],
    [7, `invalid step slug 7: ${slugRule}`],
    ['run', 'step slug "run" is reserved: task inputs keep the flow input under "run"'],
  ])('rejects step slug %j', (slug, expected) => {
    expect(message(() => untyped(base()).step({ slug }, () => 1))).toBe(expected);
    expect(message(() => untyped(new Flow<number[]>({ slug: 'm' })).map({ slug }, () => 1))).toBe(expected);
  });

  it('rejects a duplicate step slug', () => {
    expect(message(() => untyped(base()).step({ slug: 'fetch' }, () => 1))).toBe(
      'step "fetch" is already defined in flow "scrape"',
    );
    expect(message(() => untyped(base()).map({ slug: 'size' }, () => 1))).toBe(
      'step "size" is already defined in flow "scrape"',
    );
  });

  it('rejects bad dependencies', () => {
    const flow = untyped(base());
    expect(message(() => flow.step({ slug: 'load', dependsOn: ['extract'] }, () => 1))).toBe(
      'step "load" depends on unknown step "extract"',
    );
    expect(message(() => flow.step({ slug: 'load', dependsOn: ['fetch', 'fetch'] }, () => 1))).toBe(
      'step "load" lists dependency "fetch" twice',
    );
    expect(message(() => flow.step({ slug: 'load', dependsOn: ['load'] }, () => 1))).toBe(
      'step "load" cannot depend on itself',
    );
    expect(message(() => flow.step({ slug: 'load', dependsOn: 'fetch' }, () => 1))).toBe(
      'dependsOn of step "load" must be an array of step slugs, got "fetch"',
    );
    expect(message(() => flow.step({ slug: 'load', dependsOn: [null] }, () => 1))).toBe(
      'step "load" has a dependency that is not a step slug: null',
    );
  });

  it.each([
    [{ maxAttempts: -1 }, 'invalid maxAttempts -1 for step "x": must be an integer between 0 and 2147483647'],
    [{ baseDelay: 0.5 }, 'invalid baseDelay 0.5 for step "x": must be an integer between 0 and 2147483647'],
    [{ timeout: 0 }, 'invalid timeout 0 for step "x": must be an integer between 1 and 2147483645'],
    [{ startDelay: -5 }, 'invalid startDelay -5 for step "x": must be an integer between 0 and 2147483647'],
    [{ startDelay: Infinity }, 'invalid startDelay Infinity for step "x": must be an integer between 0 and 2147483647'],
    [{ maxAttempts: 2 ** 31 }, 'invalid maxAttempts 2147483648 for step "x": must be an integer between 0 and 2147483647'],
    [{ timout: 5 }, 'unknown option "timout" for step "x"'],
    [{ runIf: [] }, 'runIf of step "x" must be an object (a pattern of the input), got []'],
    [{ skipIf: {} }, 'unknown option "skipIf" for step "x"'],
  ])('rejects step options %j', (options, expected) => {
    expect(message(() => untyped(base()).step({ slug: 'x', ...options }, () => 1))).toBe(expected);
  });

  it('rejects a handler that is not a function, and a config that is not an object', () => {
    expect(message(() => untyped(base()).step({ slug: 'x' }, 'nope'))).toBe(
      'handler of step "x" must be a function, got "nope"',
    );
    expect(message(() => untyped(base()).step('x', () => 1))).toBe('.step() takes { slug, ...options }, got "x"');
  });
});

describe('map validation', () => {
  const flow = () =>
    untyped(
      new Flow<{ n: number }>({ slug: 'm' })
        .step({ slug: 'a' }, () => [1, 2])
        .step({ slug: 'b' }, () => [3]),
    );

  it('rejects a map with more than one dependency', () => {
    expect(message(() => flow().map({ slug: 'x', dependsOn: ['a', 'b'] }, () => 1))).toBe(
      'map step "x" can depend on at most one step (the array it maps over), got ["a", "b"]',
    );
    expect(message(() => flow().map({ slug: 'x', array: 'a', dependsOn: ['b'] }, () => 1))).toBe(
      'map step "x" can depend on at most one step (the array it maps over), got ["b", "a"]',
    );
  });

  it('accepts dependsOn naming the same step as array', () => {
    const m = flow().map({ slug: 'x', array: 'a', dependsOn: ['a'] }, () => 1);
    expect(m.getStep('x').dependsOn).toEqual(['a']);
  });

  it('rejects an unknown or non-slug array', () => {
    expect(message(() => flow().map({ slug: 'x', array: 'nope' }, () => 1))).toBe(
      'step "x" depends on unknown step "nope"',
    );
    expect(message(() => flow().map({ slug: 'x', array: ['a'] }, () => 1))).toBe(
      'array of map step "x" must be a step slug, got ["a"]',
    );
  });

  it('rejects step-only misuse of map options', () => {
    expect(message(() => flow().map({ slug: 'x', array: 'a', timeout: -1 }, () => 1))).toBe(
      'invalid timeout -1 for step "x": must be an integer between 1 and 2147483645',
    );
  });
});

describe('.array()', () => {
  const flow = () => untyped(new Flow<null>({ slug: 'f' }).step({ slug: 'a' }, () => [1, 2]));
  const ctx = { context: {}, signal: new AbortController().signal, attempt: 1, runId: 'r', stepSlug: 's', taskIndex: 0 };

  it('adds a single step with its options and dependencies, as .step() does', () => {
    const f = flow().array({ slug: 'x', dependsOn: ['a'], timeout: 5, startDelay: 2 }, () => []);
    const { handler: _, ...step } = f.getStep('x');
    expect(step).toEqual({ slug: 'x', type: 'single', dependsOn: ['a'], options: { timeout: 5, startDelay: 2 } });
  });

  it('returns what the handler returns, sync or async, when it is an array', async () => {
    const f = flow()
      .array({ slug: 'x' }, (input: unknown) => [input])
      .array({ slug: 'y' }, async () => ['y']);
    await expect(f.getStep('x').handler(7, ctx)).resolves.toEqual([7]);
    await expect(f.getStep('y').handler(null, ctx)).resolves.toEqual(['y']);
  });

  it('fails the task when a (plain-JS) handler returns something else', async () => {
    const f = flow()
      .array({ slug: 'x' }, () => ({ items: [] }))
      .array({ slug: 'n' }, async () => null);
    await expect(f.getStep('x').handler(null, ctx)).rejects.toThrow('array step "x" must return an array, got object');
    await expect(f.getStep('n').handler(null, ctx)).rejects.toThrow('array step "n" must return an array, got null');
  });

  it('checks the config as .step() does', () => {
    expect(message(() => flow().array({ slug: 'a' }, () => []))).toBe('step "a" is already defined in flow "f"');
    expect(message(() => flow().array({ slug: 'x', dependsOn: ['nope'] }, () => []))).toBe(
      'step "x" depends on unknown step "nope"',
    );
    expect(message(() => flow().array({ slug: 'x', array: 'a' }, () => []))).toBe('unknown option "array" for step "x"');
    expect(message(() => flow().array({ slug: 'x' }, 'not a function'))).toBe(
      'handler of step "x" must be a function, got "not a function"',
    );
  });

  it('works inside a branch, taking the branch\'s dependencies and condition', () => {
    const f = flow().branch({ slug: 'b', dependsOn: ['a'], runIf: { run: { go: true } } }, (b: any) =>
      b.array({ slug: 'x' }, () => []),
    );
    const { handler: _, ...step } = f.getStep('x');
    expect(step).toEqual({
      slug: 'x',
      type: 'single',
      dependsOn: ['a'],
      options: {},
      condition: { runIf: { run: { go: true } } },
      branch: 'b',
    });
  });
});
