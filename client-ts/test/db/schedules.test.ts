// scheduleFlow, unscheduleFlow and listSchedules from an app database: this
// file's database has no pg_cron, which runs its jobs from the database that
// cron.database_name names; with dblink here the jobs are made there, set to
// run here. Skipped where the server has no pg_cron or no dblink. The jobs
// made there are removed at the end.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFlow } from '../../src/client/client.js';
import { listSchedules, scheduleFlow, unscheduleFlow } from '../../src/client/schedules.js';
import { FlowInputError } from '../../src/dsl/schema.js';
import { Flow } from '../../src/dsl/flow.js';
import { connection, useTestDatabase } from './harness.js';

const db = useTestDatabase();
let cron: postgres.Sql | undefined;

const flow = new Flow<{ full: boolean }>({ slug: 'nightly' }).step({ slug: 'report' }, (input) => input.run.full);

beforeAll(async () => {
  const [setting] = await db.sql<{ db: string | null; dblink: boolean }[]>`
    select current_setting('cron.database_name', true) as db,
           exists (select from pg_available_extensions where name = 'dblink') as dblink`;
  if (!setting?.db || !setting.dblink) return;
  cron = postgres({ ...connection, database: setting.db, max: 1, onnotice: () => {} });
  const [ready] = await cron<{ ok: boolean }[]>`select count(*) = 1 as ok from pg_extension where extname = 'pg_cron'`;
  if (!ready?.ok) return void (await cron.end(), (cron = undefined));
  await db.sql`create extension dblink`;
  await registerFlow(db.sql, flow);
});

afterAll(async () => {
  if (cron === undefined) return;
  await cron`select cron.unschedule(jobid) from cron.job where database = ${db.name}`;
  await cron.end();
});

async function cronJobs() {
  return cron!<{ jobid: string; jobname: string; schedule: string; command: string; database: string }[]>`
    select jobid::text, jobname, schedule, command, database from cron.job where database = ${db.name} order by jobname`;
}

describe('schedules from an app database', () => {
  it('scheduleFlow makes the job in pg_cron\'s database, set to run here; the same name replaces it', async (ctx) => {
    if (cron === undefined) return ctx.skip();
    const jobId = await scheduleFlow(db.sql, flow, 'nightly_report', '0 3 * * *', { full: true });
    expect(await cronJobs()).toEqual([
      {
        jobid: jobId,
        jobname: `nightly_report@${db.name}`,
        schedule: '0 3 * * *',
        command: `select pgflow.start_flow('nightly', '{"full": true}'::jsonb)`,
        database: db.name,
      },
    ]);
    expect(await scheduleFlow(db.sql, flow, 'nightly_report', '0 4 * * *', { full: false })).toBe(jobId);
    expect(await cronJobs()).toMatchObject([{ jobid: jobId, schedule: '0 4 * * *' }]);
  });

  it('listSchedules lists pgflow\'s jobs with what pg_cron holds of them', async (ctx) => {
    if (cron === undefined) return ctx.skip();
    const schedules = await listSchedules(db.sql);
    expect(schedules).toEqual([
      {
        name: 'nightly_report',
        flowSlug: 'nightly',
        jobId: expect.stringMatching(/^\d+$/),
        schedule: '0 4 * * *',
        command: `select pgflow.start_flow('nightly', '{"full": false}'::jsonb)`,
        active: true,
        createdAt: expect.any(Date),
      },
    ]);
  });

  it('unscheduleFlow removes the job; a name pgflow did not schedule is 42704', async (ctx) => {
    if (cron === undefined) return ctx.skip();
    await unscheduleFlow(db.sql, 'nightly_report');
    expect(await cronJobs()).toEqual([]);
    expect(await listSchedules(db.sql)).toEqual([]);
    await expect(unscheduleFlow(db.sql, 'nightly_report')).rejects.toMatchObject({ code: '42704' });
  });

  it('validates the input with the flow\'s schema before scheduling anything', async (ctx) => {
    if (cron === undefined) return ctx.skip();
    const checked = new Flow<{ n: number }>({
      slug: 'nightly',
      inputSchema: {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: (value: unknown) =>
            typeof (value as { n?: unknown })?.n === 'number' && (value as { n: number }).n > 0
              ? { value: value as { n: number } }
              : { issues: [{ message: 'n must be positive' }] },
        },
      },
    }).step({ slug: 'report' }, () => true);
    await expect(scheduleFlow(db.sql, checked, 'nightly_bad', '0 3 * * *', { n: -1 })).rejects.toBeInstanceOf(FlowInputError);
    expect(await cronJobs()).toEqual([]);
  });

  it('says what to do where dblink is missing', async (ctx) => {
    if (cron === undefined) return ctx.skip();
    await db.sql`drop extension dblink`;
    try {
      const err = await scheduleFlow(db.sql, flow, 'nightly_report', '0 3 * * *', { full: true }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: '0A000',
        message: expect.stringMatching(/needs dblink to reach it$/),
        hint: expect.stringContaining(`select cron.schedule_in_database('nightly_report@${db.name}', '0 3 * * *'`),
      });
    } finally {
      await db.sql`create extension dblink`;
    }
  });
});
