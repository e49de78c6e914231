// No silent drift, on a real database: registerFlow reports (or syncs) the
// options that differ between code and database; startFlow (once per client)
// and startWorker refuse a flow whose shape differs or that is not registered.
import { describe, expect, it } from 'vitest';
import { registerFlow, startFlow, startFlows } from '../../src/client/client.js';
import type { OptionDifference } from '../../src/client/register.js';
import { FlowShapeError } from '../../src/client/shape.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

const runsOf = async (slug: string) =>
  Number((await db.sql`select count(*)::int as n from pgflow.runs where flow_slug = ${slug}`)[0]!.n);
const workersOf = async (slug: string) =>
  Number((await db.sql`select count(*)::int as n from pgflow.workers where queue_name = ${slug}`)[0]!.n);

describe('registerFlow and options', () => {
  const tuned = () =>
    new Flow({ slug: 'tuned', maxAttempts: 5 })
      .step({ slug: 'a', timeout: 30 }, () => 1)
      .step({ slug: 'b', dependsOn: ['a'] }, () => 2);

  it('reports each option that differs, warns, and keeps the database as it is', async () => {
    expect(await registerFlow(db.sql, tuned())).toEqual({ created: true, optionDifferences: [], optionsSynced: false });
    await db.sql`select pgflow.set_flow_options('tuned', max_attempts => 2, timeout => 90)`;
    await db.sql`select pgflow.set_step_options('tuned', 'a', timeout => 10, start_delay => 4)`;
    await db.sql`select pgflow.set_step_options('tuned', 'b', base_delay => 7)`;

    const warnings: string[] = [];
    const result = await registerFlow(db.sql, tuned(), { warn: (message) => warnings.push(message) });
    expect(result.created).toBe(false);
    expect(result.optionsSynced).toBe(false);
    expect(result.optionDifferences.map((d) => d.description)).toEqual([
      'flow maxAttempts: 5 in code, 2 in the database',
      'flow timeout: 60 (the default) in code, 90 in the database',
      'step "a" timeout: 30 in code, 10 in the database',
      'step "a" startDelay: none in code, 4 in the database',
      'step "b" baseDelay: inherited in code, 7 in the database',
    ]);
    expect(result.optionDifferences[3]).toEqual<OptionDifference>({
      step: 'a',
      option: 'startDelay',
      code: null,
      database: 4,
      description: 'step "a" startDelay: none in code, 4 in the database',
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('flow "tuned" is registered with options other than the code\'s');
    expect(warnings[0]).toContain('\n  step "b" baseDelay: inherited in code, 7 in the database');
    const [flowRow] = await db.sql`select opt_max_attempts, opt_timeout from pgflow.flows where flow_slug = 'tuned'`;
    expect(flowRow).toEqual({ opt_max_attempts: 2, opt_timeout: 90 });
  });

  it('with syncOptions applies the code\'s options (inherit for those it leaves out)', async () => {
    const warnings: string[] = [];
    const result = await registerFlow(db.sql, tuned(), { syncOptions: true, warn: (m) => warnings.push(m) });
    expect(result.optionsSynced).toBe(true);
    expect(result.optionDifferences).toHaveLength(5);
    expect(warnings).toEqual([]);
    const [flowRow] = await db.sql`
      select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.flows where flow_slug = 'tuned'`;
    expect(flowRow).toEqual({ opt_max_attempts: 5, opt_base_delay: 1, opt_timeout: 60 });
    const steps = await db.sql`
      select step_slug, opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
        from pgflow.steps where flow_slug = 'tuned' order by step_index`;
    expect(steps).toEqual([
      { step_slug: 'a', opt_max_attempts: null, opt_base_delay: null, opt_timeout: 30, opt_start_delay: null },
      { step_slug: 'b', opt_max_attempts: null, opt_base_delay: null, opt_timeout: null, opt_start_delay: null },
    ]);
    expect(await registerFlow(db.sql, tuned())).toEqual({ created: false, optionDifferences: [], optionsSynced: false });
  });

  it('reports and syncs whenExhausted, which is not inherited: left out in code it is fail', async () => {
    const lenient = () =>
      new Flow({ slug: 'lenient' })
        .step({ slug: 'a', whenExhausted: 'skip' }, () => 1)
        .step({ slug: 'b', dependsOn: ['a'] }, () => 2)
        .step({ slug: 'c', dependsOn: ['b'], whenExhausted: 'skip_cascade' }, () => 3);
    expect(await registerFlow(db.sql, lenient())).toEqual({ created: true, optionDifferences: [], optionsSynced: false });
    await db.sql`select pgflow.set_step_options('lenient', 'a', when_exhausted => 'fail')`;
    await db.sql`select pgflow.set_step_options('lenient', 'b', when_exhausted => 'skip_cascade', timeout => 5)`;

    const warnings: string[] = [];
    const result = await registerFlow(db.sql, lenient(), { warn: (message) => warnings.push(message) });
    expect(result.optionsSynced).toBe(false);
    expect(result.optionDifferences).toEqual<OptionDifference[]>([
      {
        step: 'a',
        option: 'whenExhausted',
        code: 'skip',
        database: 'fail',
        description: 'step "a" whenExhausted: skip in code, fail in the database',
      },
      {
        step: 'b',
        option: 'timeout',
        code: null,
        database: 5,
        description: 'step "b" timeout: inherited in code, 5 in the database',
      },
      {
        step: 'b',
        option: 'whenExhausted',
        code: 'fail',
        database: 'skip_cascade',
        description: 'step "b" whenExhausted: fail (the default) in code, skip_cascade in the database',
      },
    ]);
    expect(warnings[0]).toContain('\n  step "b" whenExhausted: fail (the default) in code, skip_cascade in the database');
    const kept = await db.sql`select step_slug, when_exhausted from pgflow.steps where flow_slug = 'lenient' order by step_index`;
    expect(kept.map((r) => r.when_exhausted)).toEqual(['fail', 'skip_cascade', 'skip_cascade']);

    const synced = await registerFlow(db.sql, lenient(), { syncOptions: true, warn: false });
    expect(synced.optionsSynced).toBe(true);
    const steps = await db.sql`
      select step_slug, opt_timeout, when_exhausted from pgflow.steps where flow_slug = 'lenient' order by step_index`;
    expect(steps).toEqual([
      { step_slug: 'a', opt_timeout: null, when_exhausted: 'skip' },
      { step_slug: 'b', opt_timeout: null, when_exhausted: 'fail' },
      { step_slug: 'c', opt_timeout: null, when_exhausted: 'skip_cascade' },
    ]);
    expect(await registerFlow(db.sql, lenient())).toEqual({ created: false, optionDifferences: [], optionsSynced: false });
  });

  it('a shape difference stays an error (42710 listing it), synced or not, and nothing changes', async () => {
    const changed = new Flow({ slug: 'tuned', maxAttempts: 9 })
      .step({ slug: 'a', timeout: 30 }, () => 1)
      .step({ slug: 'c', dependsOn: ['a'] }, () => 2);
    const err = await registerFlow(db.sql, changed, { syncOptions: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PostgresError', code: '42710' });
    expect((err as Error).message).toContain('step "c" added');
    const [flowRow] = await db.sql`select opt_max_attempts from pgflow.flows where flow_slug = 'tuned'`;
    expect(flowRow).toEqual({ opt_max_attempts: 5 });
  });
});

describe('startFlow checks the shape', () => {
  it('refuses a flow that is not registered, starting nothing', async () => {
    const flow = new Flow({ slug: 'never_registered' }).step({ slug: 'a' }, () => 1);
    const err = await startFlow(db.sql, flow, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowShapeError);
    expect(err).toMatchObject({ flowSlug: 'never_registered', registered: false, differences: [] });
    expect((err as Error).message).toMatch(/^flow "never_registered" is not registered in the database/);
  });

  it('refuses a flow whose shape differs, naming every difference, and starts nothing', async () => {
    const registered = new Flow({ slug: 'drifted' })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'b', dependsOn: ['a'] }, () => 2)
      .step({ slug: 'z', dependsOn: ['a'] }, () => 3);
    await registerFlow(db.sql, registered);
    const inCode = new Flow({ slug: 'drifted' })
      .step({ slug: 'a' }, () => [1])
      .map({ slug: 'z', array: 'a' }, (x) => x)
      .step({ slug: 'c', dependsOn: ['z'], runIf: { z: [1] } }, () => 3);
    const err = await startFlow(db.sql, inCode, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowShapeError);
    expect((err as FlowShapeError).differences).toEqual([
      'step "b" missing in code',
      'step "c" missing in the database',
      'step "z" is a map step in code, a single step in the database',
    ]);
    expect((err as Error).message).toBe(
      'flow "drifted" differs from the database:\n' +
        '  step "b" missing in code\n' +
        '  step "c" missing in the database\n' +
        '  step "z" is a map step in code, a single step in the database',
    );
    await expect(startFlows(db.sql, inCode, [{}])).rejects.toBeInstanceOf(FlowShapeError);
    expect(await runsOf('drifted')).toBe(0);
  });

  it('checks once per flow and client: a later change is seen by a new client only', async () => {
    const v1 = new Flow({ slug: 'cached' }).step({ slug: 'a' }, () => 1);
    await registerFlow(db.sql, v1);
    const sql = db.connect();
    await (await startFlow(sql, v1, {})).close();
    // the flow changes under the client's feet (in development: deleted and registered again)
    await db.sql`select pgflow.delete_flow_and_data('cached')`;
    await registerFlow(db.sql, new Flow({ slug: 'cached' }).step({ slug: 'b' }, () => 1));
    await (await startFlow(sql, v1, {})).close(); // checked already on this client: not again
    await startFlows(sql, v1, [{}]);
    expect(await runsOf('cached')).toBe(2);
    await expect(startFlow(db.connect(), v1, {})).rejects.toThrow(
      'flow "cached" differs from the database:\n  step "b" missing in code\n  step "a" missing in the database',
    );
  });

  it('a failed check is not remembered', async () => {
    const flow = new Flow({ slug: 'later' }).step({ slug: 'a' }, () => 1);
    const sql = db.connect();
    await expect(startFlow(sql, flow, {})).rejects.toBeInstanceOf(FlowShapeError);
    await registerFlow(db.sql, flow);
    await (await startFlow(sql, flow, {})).close();
    expect(await runsOf('later')).toBe(1);
  });
});

describe('startWorker checks the shape', () => {
  it('refuses a flow whose shape differs, naming the differences, and registers no worker', async () => {
    const registered = new Flow({ slug: 'worker_drift' })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'b', dependsOn: ['a'] }, () => 2);
    await registerFlow(db.sql, registered);
    const ok = new Flow({ slug: 'worker_ok' }).step({ slug: 'a' }, () => 1);
    await registerFlow(db.sql, ok);
    const inCode = new Flow({ slug: 'worker_drift' })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'z' }, () => 0)
      .step({ slug: 'b', dependsOn: ['a', 'z'] }, () => 2);
    const err = await startWorker({ sql: db.sql, flows: [ok, inCode], handleSignals: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowShapeError);
    expect((err as FlowShapeError).differences).toEqual([
      'step "z" missing in the database',
      'dependency z -> b not in the database',
    ]);
    expect(await workersOf('worker_ok')).toBe(0);
    expect(await workersOf('worker_drift')).toBe(0);
  });

  it('names a condition that differs and a step order that differs', async () => {
    const registered = new Flow<{ vip: boolean }>({ slug: 'worker_cond' })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'b' }, () => 2)
      .step({ slug: 'c', dependsOn: ['a'], runIf: { run: { vip: true } } }, () => 3);
    await registerFlow(db.sql, registered);
    const inCode = new Flow<{ vip: boolean }>({ slug: 'worker_cond' })
      .step({ slug: 'b' }, () => 2)
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'c', dependsOn: ['a'], runIf: { run: { vip: false } }, whenUnmet: 'fail' }, () => 3);
    const err = await startWorker({ sql: db.sql, flows: [inCode], handleSignals: false }).catch((e: unknown) => e);
    expect((err as FlowShapeError).differences).toEqual([
      'step "c" runIf {"run":{"vip":false}} in code, {"run":{"vip":true}} in the database',
      'step "c" whenUnmet "fail" in code, "skip" in the database',
      'step order b, a, c in code, a, b, c in the database',
    ]);
  });

  it('starts for flows that match (an equal condition, keys in another order)', async () => {
    const flow = new Flow<{ vip: boolean; n: number }>({ slug: 'worker_match' })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'c', dependsOn: ['a'], runIf: { run: { vip: true, n: 1 } } }, () => 3);
    await registerFlow(db.sql, flow);
    const same = new Flow<{ vip: boolean; n: number }>({ slug: 'worker_match' })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'c', dependsOn: ['a'], runIf: { run: { n: 1, vip: true } }, whenUnmet: 'skip' }, () => 3);
    const worker = await startWorker({ sql: db.sql, flows: [same], handleSignals: false });
    await worker.stop();
  });
});
