// The peer dependency's range (postgres >=3.4 <5): the client and the worker
// against postgres 3.x (devDependency postgres) and the newest release
// (devDependency postgres-next, npm:postgres@latest when it was added).
import postgres3 from 'postgres';
import postgresNext from 'postgres-next';
import { describe, expect, it } from 'vitest';
import { getRun, registerFlow, RunFailedError, startFlow, startFlows, watchRun } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker } from '../../src/worker/worker.js';
import { connection, useTestDatabase } from './harness.js';

const db = useTestDatabase();

type Connect = (options: postgres3.Options<{}>) => unknown;
const drivers: Array<[string, Connect]> = [
  ['postgres 3.x', postgres3],
  ['postgres latest', postgresNext as unknown as Connect],
];

describe.each(drivers)('with %s', (label, driver) => {
  const slug = label.includes('3') ? 'drivers_v3' : 'drivers_next';
  const flow = new Flow<{ n: number }>({ slug, maxAttempts: 1, timeout: 5 })
    .step({ slug: 'double' }, (input) => input.run.n * 2)
    .step({ slug: 'check', dependsOn: ['double'] }, (input) => {
      if (input.double > 100) throw { code: 'E_TOO_BIG', n: input.double };
      return { ok: true, at: new Date(0).toISOString() };
    });

  it('registers, works and waits; failures come back as stored', { timeout: 30_000 }, async () => {
    // The driver's own client, as an app makes it. (Its type is checked against the
    // package's .d.ts with each version installed as "postgres" in test/package.test.ts;
    // here the source is typed with postgres 3.x.)
    const sql = driver({ ...connection, database: db.name, max: 4, onnotice: () => {} }) as unknown as postgres3.Sql;
    try {
      await registerFlow(sql, flow);
      const worker = await startWorker({ sql, flows: [flow], handleSignals: false, pollIntervalMs: 50, log: () => {} });
      try {
        const run = await startFlow(sql, flow, { n: 21 });
        await expect(run.wait({ timeoutMs: 20_000 })).resolves.toMatchObject({ check: { ok: true } });
        const [a, b] = await startFlows(sql, flow, [{ n: 1 }, { n: 60 }]);
        const failed = await (await watchRun(sql, flow, b!)).wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
        expect(failed).toBeInstanceOf(RunFailedError);
        expect(failed).toMatchObject({ stepSlug: 'check', errorMessage: '{"code":"E_TOO_BIG","n":120}' });
        const { run: row, steps } = await getRun(sql, a!);
        expect(row.status).not.toBe('failed');
        expect(steps.map((s) => s.step_slug)).toContain('check');
      } finally {
        await worker.stop();
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
