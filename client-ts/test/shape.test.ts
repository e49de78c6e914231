// The pure parts of the drift checks and input schemas: shape differences,
// option differences, FlowShapeError and FlowInputError messages, and the
// DSL's inputSchema option.
import { describe, expect, it } from 'vitest';
import { optionDifferences } from '../src/client/register.js';
import { FlowShapeError, shapeDifferences, type DatabaseStep } from '../src/client/shape.js';
import { Flow } from '../src/dsl/flow.js';
import { FlowInputError, formatIssues, isStandardSchema, type StandardSchemaV1 } from '../src/dsl/schema.js';
import { FlowDefinitionError } from '../src/dsl/validate.js';

const dbStep = (slug: string, deps: string[] = [], over: Partial<DatabaseStep> = {}): DatabaseStep => ({
  slug, type: 'single', deps, run_if: null, run_unless: null, when_unmet: 'skip', ...over,
});

const passThrough: StandardSchemaV1<unknown, { n: number }> = {
  '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value: value as { n: number } }) },
};

describe('shapeDifferences', () => {
  const flow = new Flow<{ n: number }>({ slug: 'f' })
    .step({ slug: 'a' }, () => 1)
    .step({ slug: 'b', dependsOn: ['a'], runUnless: { run: { n: 0 } } }, () => 2);

  it('is empty for the same shape (deps in any order, default whenUnmet)', () => {
    expect(shapeDifferences(flow, [dbStep('a'), dbStep('b', ['a'], { run_unless: { run: { n: 0 } } })])).toEqual([]);
  });

  it('names every difference', () => {
    expect(
      shapeDifferences(flow, [
        dbStep('z'),
        dbStep('b', ['z'], { type: 'map', run_unless: { run: { n: 1 } }, when_unmet: 'fail' }),
      ]),
    ).toEqual([
      'step "z" missing in code',
      'step "a" missing in the database',
      'step "b" is a single step in code, a map step in the database',
      'dependency a -> b not in the database',
      'dependency z -> b not in code',
      'step "b" runUnless {"run":{"n":0}} in code, {"run":{"n":1}} in the database',
      'step "b" whenUnmet "skip" in code, "fail" in the database',
    ]);
  });

  it('names a condition missing on one side', () => {
    expect(shapeDifferences(flow, [dbStep('a'), dbStep('b', ['a'])])).toEqual([
      'step "b" runUnless {"run":{"n":0}} in code, none in the database',
    ]);
  });
});

describe('FlowShapeError', () => {
  it('reads as one line for one difference, a line each for several', () => {
    expect(new FlowShapeError('f', true, ['step "b" missing in code']).message).toBe(
      'flow "f" differs from the database: step "b" missing in code',
    );
    expect(new FlowShapeError('f', true, ['x', 'y']).message).toBe('flow "f" differs from the database:\n  x\n  y');
    expect(new FlowShapeError('f', false, []).message).toMatch(/^flow "f" is not registered in the database/);
  });
});

describe('optionDifferences', () => {
  it('compares flow options left out with the defaults, and step options left out with inherited', () => {
    const flow = new Flow({ slug: 'f', baseDelay: 2 }).step({ slug: 'a', startDelay: 5 }, () => 1);
    const flowRow = { opt_max_attempts: 3, opt_base_delay: 2, opt_timeout: 60 };
    expect(optionDifferences(flow, flowRow, [{ step_slug: 'a', opt_max_attempts: null, opt_base_delay: null, opt_timeout: null, opt_start_delay: 5 }])).toEqual([]);
    expect(
      optionDifferences(flow, { ...flowRow, opt_max_attempts: 4 }, [
        { step_slug: 'a', opt_max_attempts: 1, opt_base_delay: null, opt_timeout: null, opt_start_delay: null },
      ]).map((d) => d.description),
    ).toEqual([
      'flow maxAttempts: 3 (the default) in code, 4 in the database',
      'step "a" maxAttempts: inherited in code, 1 in the database',
      'step "a" startDelay: 5 in code, none in the database',
    ]);
  });

  it('compares a step\'s whenExhausted, left out in code, with the default fail', () => {
    const flow = new Flow({ slug: 'f' })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'b', whenExhausted: 'skip' }, () => 1);
    const flowRow = { opt_max_attempts: 3, opt_base_delay: 1, opt_timeout: 60 };
    const row = { opt_max_attempts: null, opt_base_delay: null, opt_timeout: null, opt_start_delay: null };
    const rows = (a: 'fail' | 'skip' | 'skip_cascade', b: 'fail' | 'skip' | 'skip_cascade') => [
      { ...row, step_slug: 'a', when_exhausted: a },
      { ...row, step_slug: 'b', when_exhausted: b },
    ];
    expect(optionDifferences(flow, flowRow, rows('fail', 'skip'))).toEqual([]);
    expect(optionDifferences(flow, flowRow, rows('skip', 'skip_cascade'))).toEqual([
      {
        step: 'a',
        option: 'whenExhausted',
        code: 'fail',
        database: 'skip',
        description: 'step "a" whenExhausted: fail (the default) in code, skip in the database',
      },
      {
        step: 'b',
        option: 'whenExhausted',
        code: 'skip',
        database: 'skip_cascade',
        description: 'step "b" whenExhausted: skip in code, skip_cascade in the database',
      },
    ]);
  });
});

describe('inputSchema', () => {
  it('is kept by every step added and every branch', () => {
    const flow = new Flow({ slug: 'f', inputSchema: passThrough })
      .step({ slug: 'a' }, (input) => input.run.n)
      .branch({ slug: 'br', dependsOn: ['a'], runIf: { a: 1 } }, (b) => b.step({ slug: 'c' }, () => 1));
    expect(flow.inputSchema).toBe(passThrough);
    expect(new Flow({ slug: 'g' }).inputSchema).toBeUndefined();
  });

  it('must implement Standard Schema v1', () => {
    expect(isStandardSchema(passThrough)).toBe(true);
    for (const bad of [{}, { '~standard': { version: 2, validate: () => ({}) } }, () => true, 'schema']) {
      expect(() => new Flow({ slug: 'f', inputSchema: bad as never })).toThrow(FlowDefinitionError);
    }
    expect(() => new Flow({ slug: 'f', inputSchema: {} as never })).toThrow(/inputSchema of flow "f" must implement Standard Schema v1/);
  });

  it('FlowInputError lists the issues with their paths', () => {
    const issues = [
      { message: 'expected a number', path: ['n'] },
      { message: 'too short', path: [{ key: 'tags' }, 2, 'name'] },
      { message: 'expected an object' },
    ];
    expect(new FlowInputError('f', issues).message).toBe(
      'input of flow "f" is invalid:\n  n: expected a number\n  tags[2].name: too short\n  (input): expected an object',
    );
    const many = Array.from({ length: 25 }, (_, i) => ({ message: `bad ${i}` }));
    expect(formatIssues(many).split('\n')).toHaveLength(21);
  });
});
