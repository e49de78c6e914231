// The compile errors of common mistakes say what is wrong. tsd (test-d/) checks
// that they do not compile; these check what the error reads.
import { describe, expect, it } from 'vitest';
import { typeErrors } from './fixtures/typecheck.js';

const HEAD = "import { Flow, startWorker } from '../src/index.js';\nimport type { Sql } from 'postgres';\ndeclare const sql: Sql;\n";
const snippets = {
  'map-over-string.ts': `${HEAD}new Flow<{ id: string }>({ slug: 'f' })
  .step({ slug: 'name' }, (input) => input.run.id)
  .map({ slug: 'chars', array: 'name' }, (c) => c);`,
  'root-map-over-object.ts': `${HEAD}new Flow<{ items: number[] }>({ slug: 'f' }).map({ slug: 'm' }, (x) => x);`,
  'date-input.ts': `${HEAD}new Flow<{ at: Date }>({ slug: 'f' });`,
  'array-step.ts': `${HEAD}new Flow<null>({ slug: 'f' }).array({ slug: 'a' }, () => 'not an array');`,
  'context-typo.ts': `${HEAD}const f = new Flow<null, { apiKey: string }>({ slug: 'f' }).step({ slug: 'a' }, () => 1);
startWorker({ sql, flows: [f], context: { apiKye: '1' } });`,
  'context-missing.ts': `${HEAD}const f = new Flow<null, { apiKey: string }>({ slug: 'f' }).step({ slug: 'a' }, () => 1);
startWorker({ sql, flows: [f] });`,
};

describe('compile errors', () => {
  const errors = typeErrors([], snippets);
  const of = (name: keyof typeof snippets) => errors.filter((e) => e.startsWith(`test/${name}:`)).join('\n');

  it('compiles nothing else with errors', () => {
    expect(errors.filter((e) => !Object.keys(snippets).some((name) => e.startsWith(`test/${name}:`)))).toEqual([]);
  });

  it('a map over a step whose output is not an array names the step', () => {
    expect(of('map-over-string.ts')).toContain(`map's array dependency \`name\` must output an array`);
    expect(of('map-over-string.ts')).not.toContain("assignable to type 'never'");
  });

  it('a map without `array` over a flow input that is not an array says so', () => {
    expect(of('root-map-over-object.ts')).toContain('map without `array` maps over the flow input, which must be an array');
  });

  it('a flow input that is not JSON says so', () => {
    expect(of('date-input.ts')).toContain('flow input must be JSON-serializable');
  });

  it('an array step whose handler returns something else says so', () => {
    expect(of('array-step.ts')).toContain('array step handlers must return an array');
  });

  it('a context with a typo, or none, for a flow that declares one is an error on `context`', () => {
    expect(of('context-typo.ts')).toContain("'apiKye' does not exist in type '{ apiKey: string; }'");
    expect(of('context-missing.ts')).toContain("Property 'context' is missing");
  });
});
