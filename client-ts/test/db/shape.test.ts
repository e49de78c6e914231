// Flow shapes on a real database: registering is all or nothing, again a
// no-op, a changed flow is refused with every difference; options change
// through pgflow.set_step_options.
import { describe, expect, it } from 'vitest';
import { registerFlow } from '../../src/client/client.js';
import { compileFlow } from '../../src/compile/compile.js';
import { Flow } from '../../src/dsl/flow.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

const v1 = () =>
  new Flow<{ url: string }>({ slug: 'shaped', maxAttempts: 2 })
    .step({ slug: 'fetch', timeout: 30 }, (input) => [input.run.url])
    .step({ slug: 'parse', dependsOn: ['fetch'] }, (input) => input.fetch.length)
    .map({ slug: 'each', array: 'fetch' }, (c: string) => c);

describe('registering a flow', () => {
  it('re-applying the compiled flow is a no-op', async () => {
    await registerFlow(db.sql, v1());
    const [before] = await db.sql`select created_at, shape_hash from pgflow.flows where flow_slug = 'shaped'`;
    await db.sql.unsafe(compileFlow(v1()));
    await registerFlow(db.sql, v1());
    const [after] = await db.sql`select created_at, shape_hash from pgflow.flows where flow_slug = 'shaped'`;
    expect(after).toEqual(before);
    const steps = await db.sql`select step_slug, step_type, opt_timeout from pgflow.steps where flow_slug = 'shaped' order by step_index`;
    expect(steps.map((s) => [s.step_slug, s.step_type, s.opt_timeout])).toEqual([
      ['fetch', 'single', 30],
      ['parse', 'single', null],
      ['each', 'map', null],
    ]);
  });

  it('refuses a changed flow with a readable diff, and changes nothing', async () => {
    await registerFlow(db.sql, v1());
    const v2 = new Flow<{ url: string }>({ slug: 'shaped', maxAttempts: 2 })
      .step({ slug: 'fetch', timeout: 30 }, (input) => input.run.url)
      .step({ slug: 'parse' }, () => 0)
      .step({ slug: 'store', dependsOn: ['fetch', 'parse'] }, () => null);
    const error = await registerFlow(db.sql, v2).then(
      () => null,
      (e: unknown) => e as { code: string; message: string; hint: string },
    );
    expect(error?.code).toBe('42710');
    expect(error?.message).toBe(
      [
        'flow "shaped" already exists with another shape:',
        '  step "parse" deps changed: [fetch] -> []',
        '  step "store" added: deps [fetch, parse], type single',
        '  step "each" removed',
      ].join('\n'),
    );
    expect(error?.hint).toContain(`pgflow.delete_flow_and_data('shaped')`);
    const [row] = await db.sql`select pgflow.get_flow_shape('shaped') as shape`;
    expect(row!.shape).toEqual({
      steps: [
        { slug: 'fetch', type: 'single', deps: [] },
        { slug: 'parse', type: 'single', deps: ['fetch'] },
        { slug: 'each', type: 'map', deps: ['fetch'] },
      ],
    });
  });

  it('a new flow that fails half way leaves nothing behind', async () => {
    const forged = {
      slug: 'half_way',
      options: {},
      steps: [
        { slug: 'a', type: 'single' as const, dependsOn: [], options: {} },
        { slug: 'b', type: 'single' as const, dependsOn: ['missing'], options: {} },
      ],
    };
    await expect(db.sql.unsafe(compileFlow(forged))).rejects.toMatchObject({
      code: '23503', detail: 'step "missing" does not exist in flow "half_way"' });
    const [row] = await db.sql`select exists (select from pgflow.flows where flow_slug = 'half_way') as flow,
                                      exists (select from pgmq.meta where queue_name = 'half_way') as queue`;
    expect(row).toEqual({ flow: false, queue: false });
  });

  it('options change through set_step_options, and re-registering keeps them', async () => {
    await registerFlow(db.sql, v1());
    await db.sql`select pgflow.set_step_options('shaped', 'parse', max_attempts => 5, timeout => 10)`;
    await db.sql`select pgflow.set_flow_options('shaped', base_delay => 3)`;
    await registerFlow(db.sql, v1());
    const [step] = await db.sql`select opt_max_attempts, opt_timeout from pgflow.steps where flow_slug = 'shaped' and step_slug = 'parse'`;
    expect(step).toEqual({ opt_max_attempts: 5, opt_timeout: 10 });
    const [flow] = await db.sql`select opt_max_attempts, opt_base_delay from pgflow.flows where flow_slug = 'shaped'`;
    expect(flow).toEqual({ opt_max_attempts: 2, opt_base_delay: 3 });
  });

  it('re-registering with other options keeps them, and the result names the difference (no notice)', async () => {
    const notices: string[] = [];
    const sql = db.connect({ onnotice: (n) => notices.push(String(n.message)) });
    const flow = (timeout: number) =>
      new Flow<null>({ slug: 'noticed' }).step({ slug: 'a', timeout }, () => 1);
    expect(await registerFlow(sql, flow(5))).toEqual({ created: true, optionDifferences: [], optionsSynced: false });
    expect(await registerFlow(sql, flow(5))).toEqual({ created: false, optionDifferences: [], optionsSynced: false });
    const result = await registerFlow(sql, flow(9), { warn: false });
    expect(result.optionDifferences.map((d) => d.description)).toEqual(['step "a" timeout: 9 in code, 5 in the database']);
    expect(notices).toEqual([]);
    const [step] = await sql`select opt_timeout from pgflow.steps where flow_slug = 'noticed'`;
    expect(step).toEqual({ opt_timeout: 5 });
  });
});
