// The CLI's run commands (runs, run, start, cancel, pause, resume, retry, schedules)
// against a real database: the built dist/cli/main.js (test/global-setup.ts
// builds it), in a database of this file's own, tasks worked through pgflow's
// SQL functions as a worker would.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connection, useTestDatabase } from './db/harness.js';

const db = useTestDatabase();
const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'dist/cli/main.js');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WORKER = '00000000-0000-4000-8000-00000000c11e';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI against this file's database (async: the test's own queries go on meanwhile). */
function cli(args: string[], env: Record<string, string> = {}, bin = main): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: {
        ...process.env,
        PGHOST: connection.host,
        PGPORT: String(connection.port),
        PGUSER: connection.user,
        PGDATABASE: db.name,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI and expects it to succeed: its stdout. */
async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** A flow `fetch -> {parts} -> report`: a single step, a map over its output, a single step. */
async function createFlow(slug: string): Promise<void> {
  await db.sql`select pgflow.create_flow(${slug}, max_attempts => 3, base_delay => 0)`;
  await db.sql`select pgflow.add_step(${slug}, 'fetch')`;
  await db.sql`select pgflow.add_step(${slug}, 'parts', array['fetch'], step_type => 'map')`;
  await db.sql`select pgflow.add_step(${slug}, 'report', array['parts'])`;
}

/** What a worker does: reads the flow's queue and starts the tasks. */
async function startTasks(flow: string) {
  return db.sql<{ run_id: string; step_slug: string; task_index: number }[]>`
    select run_id, step_slug, task_index
      from pgflow.start_tasks(${flow}, (select array_agg(msg_id) from pgmq.read(${flow}, 30, 100)), ${WORKER}::uuid)`;
}

const runRow = async (runId: string) =>
  (await db.sql<{ status: string; input: unknown; cancel_reason: string | null }[]>`
    select status, input, cancel_reason from pgflow.runs where run_id = ${runId}::uuid`)[0]!;

/** The data lines of a `runs` table: [run_id, flow, status, ...]. */
const tableRows = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s{2,}/));

beforeAll(async () => {
  await createFlow('cli_orders');
  await createFlow('cli_other');
  await db.sql`select pgflow.register_worker(${WORKER}::uuid, 'cli_orders', 'cli-test')`;
});

describe('pgflow-ts start', () => {
  it('starts a run with the given input and prints only its id', async () => {
    const out = await ok(['start', 'cli_orders', '--input', '{"order": 42, "note": "rush"}']);
    const runId = out.trimEnd();
    expect(out).toBe(`${runId}\n`);
    expect(runId).toMatch(UUID);
    expect(await runRow(runId)).toEqual({ status: 'started', input: { order: 42, note: 'rush' }, cancel_reason: null });
  });

  it('takes {} as the input by default, and any JSON value (-i)', async () => {
    const plain = (await ok(['start', 'cli_other'])).trimEnd();
    expect((await runRow(plain)).input).toEqual({});
    const text = (await ok(['start', 'cli_other', '-i', '"just a string"'])).trimEnd();
    expect((await runRow(text)).input).toBe('just a string');
  });

  it('reports an unknown flow with its SQLSTATE on one line, exit 1', async () => {
    const r = await cli(['start', 'no_such_flow']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'pgflow-ts: error 42704: flow "no_such_flow" does not exist (hint: Create it with pgflow.create_flow() and pgflow.add_step().)\n',
    });
  });
});

describe('pgflow-ts runs', () => {
  it('lists runs newest first, with flow, status, times and remaining steps', async () => {
    const first = (await ok(['start', 'cli_other', '-i', '{"i": 1}'])).trimEnd();
    const second = (await ok(['start', 'cli_other', '-i', '{"i": 2}'])).trimEnd();
    await ok(['cancel', first]);
    const out = await ok(['runs', '--flow', 'cli_other']);
    expect(out.split('\n')[0]).toMatch(/^run_id\s+flow\s+status\s+started \(UTC\)\s+finished \(UTC\)\s+remaining$/);
    const rows = tableRows(out);
    const ids = rows.map((r) => r[0]);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    expect(rows.every((r) => r[1] === 'cli_other')).toBe(true);
    const [, , status, started, finished, remaining] = rows.find((r) => r[0] === first)!;
    expect(status).toBe('cancelled');
    expect(started).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(finished).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(remaining).toBe('3');
    expect(rows.find((r) => r[0] === second)!.slice(2)).toEqual(['started', expect.any(String), '-', '3']);
  });

  it('filters by flow and status, and stops at --limit', async () => {
    await ok(['start', 'cli_orders']);
    const all = tableRows(await ok(['runs', '--limit', '100']));
    expect(new Set(all.map((r) => r[1]))).toEqual(new Set(['cli_orders', 'cli_other']));
    const [total] = await db.sql<{ count: number }[]>`select count(*)::int as count from pgflow.runs`;
    expect(all).toHaveLength(total!.count);
    expect(tableRows(await ok(['runs', '-n', '2']))).toHaveLength(2);
    // The newest run comes first: the one just started.
    const [newest] = await db.sql<{ run_id: string }[]>`select run_id from pgflow.runs order by started_at desc limit 1`;
    expect(tableRows(await ok(['runs', '-n', '1']))[0]![0]).toBe(newest!.run_id);
    const cancelled = tableRows(await ok(['runs', '--status', 'cancelled']));
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((r) => r[2] === 'cancelled')).toBe(true);
    const orders = tableRows(await ok(['runs', '-f', 'cli_orders', '-s', 'started']));
    expect(orders.every((r) => r[1] === 'cli_orders' && r[2] === 'started')).toBe(true);
  });

  it('says when no run matches', async () => {
    expect(await ok(['runs', '--flow', 'nothing_here'])).toBe('no runs of flow "nothing_here"\n');
    expect(await ok(['runs', '--status', 'failed', '--flow', 'cli_other'])).toBe('no failed runs of flow "cli_other"\n');
  });
});

describe('pgflow-ts run', () => {
  it("shows a run's steps with status, tasks, attempts, timings and the first line of the error", async () => {
    const runId = (await ok(['start', 'cli_orders', '-i', '{"order": 7}'])).trimEnd();
    // fetch completes with three parts; part 0 completes, part 1 fails once (to be retried), part 2 is started.
    const [fetch] = (await startTasks('cli_orders')).filter((t) => t.run_id === runId);
    expect(fetch!.step_slug).toBe('fetch');
    await db.sql`select pgflow.complete_task(${runId}::uuid, 'fetch', 0, '["a", "b", "c"]'::jsonb)`;
    const parts = (await startTasks('cli_orders')).filter((t) => t.run_id === runId);
    expect(parts.map((t) => t.task_index).sort()).toEqual([0, 1, 2]);
    await db.sql`select pgflow.complete_task(${runId}::uuid, 'parts', 0, '"A"'::jsonb)`;
    const error = 'TypeError: part b is broken\n    at handler (flows/orders.ts:12:5)\n    at run (worker.js:1:1)';
    await db.sql`select pgflow.fail_task(${runId}::uuid, 'parts', 1, ${error})`;

    const out = await ok(['run', runId]);
    const lines = out.split('\n');
    expect(lines.slice(0, 3)).toEqual([`run       ${runId}`, 'flow      cli_orders', 'status    started, 2 of 3 steps remaining']);
    expect(out).toMatch(/^started   \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
    expect(out).toMatch(/^finished  -, running for [\d.]+m?s$/m);
    expect(out).toContain('\ninput     {"order":7}\noutput    -\n');
    expect(out).toContain('\nsteps (3):\n');
    const steps = Object.fromEntries(
      lines
        .filter((l) => l.startsWith('  '))
        .map((l) => l.trim().split(/\s{2,}/))
        .map((cells) => [cells[0], cells.slice(1)]),
    );
    expect(steps.step).toEqual(['type', 'status', 'tasks', 'attempts', 'started (UTC)', 'took', 'error']);
    expect(steps.fetch).toEqual(['single', 'completed', '1/1', '1/3', expect.stringMatching(/^\d{4}-/), expect.stringMatching(/^\d+(ms|\.\ds)$/), '-']);
    expect(steps.parts).toEqual([
      'map',
      'started',
      '1/3',
      '1/3',
      expect.stringMatching(/^\d{4}-/),
      expect.stringMatching(/^running \d/),
      'TypeError: part b is broken',
    ]);
    expect(steps.report).toEqual(['single', 'created', '-', '-', '-', '-', '-']);
  });

  it('shows a finished run with its output and duration, a cancelled one with its reason', async () => {
    const runId = (await ok(['start', 'cli_orders', '-i', JSON.stringify({ blob: 'x'.repeat(500) })])).trimEnd();
    await startTasks('cli_orders');
    await db.sql`select pgflow.complete_task(${runId}::uuid, 'fetch', 0, '[]'::jsonb)`;
    // An empty map completes at once; report is queued.
    await startTasks('cli_orders');
    await db.sql`select pgflow.complete_task(${runId}::uuid, 'report', 0, '{"total": 0}'::jsonb)`;
    const out = await ok(['run', runId]);
    expect(out).toContain('status    completed\n');
    expect(out).toMatch(/^finished  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, took \d/m);
    // Long JSON is cut, with its size.
    expect(out).toMatch(/^input     \{"blob":"x{191}\.\.\. \(511 bytes in all\)$/m);
    expect(out).toContain('\noutput    {"report":{"total":0}}\n');
    expect(out).toMatch(/^ {2}parts +map +completed +- +- /m);

    const other = (await ok(['start', 'cli_other'])).trimEnd();
    await ok(['cancel', other, '--reason', 'customer called']);
    const cancelled = await ok(['run', other]);
    expect(cancelled).toContain('status    cancelled, 3 of 3 steps remaining\n');
    expect(cancelled).toContain('\nreason    customer called\n');
    expect(cancelled).toMatch(/^ {2}fetch +single +cancelled /m);
  });

  it('reports an unknown run as pgflow does (42704), a malformed id as wrong use', async () => {
    const unknown = await cli(['run', '00000000-0000-4000-8000-000000000000']);
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: 'pgflow-ts: error 42704: run "00000000-0000-4000-8000-000000000000" does not exist (hint: Look run ids up in pgflow.runs.)\n',
    });
    const malformed = await cli(['run', 'run-1']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(
      `pgflow-ts: "run-1" is not a run id (a UUID, as start and runs print it)\nrun 'pgflow-ts --help' for usage\n`,
    );
  });
});

describe('pgflow-ts cancel, pause, resume', () => {
  it('prints the new status of each; calling again is a no-op', async () => {
    const runId = (await ok(['start', 'cli_other'])).trimEnd();
    expect(await ok(['pause', runId])).toBe(`run ${runId}: paused\n`);
    expect((await runRow(runId)).status).toBe('paused');
    expect(await ok(['pause', runId])).toBe(`run ${runId}: paused\n`);
    expect(await ok(['resume', runId])).toBe(`run ${runId}: started\n`);
    expect((await runRow(runId)).status).toBe('started');
    expect(await ok(['cancel', runId, '-r', 'not needed'])).toBe(`run ${runId}: cancelled\n`);
    expect(await runRow(runId)).toMatchObject({ status: 'cancelled', cancel_reason: 'not needed' });
    expect(await ok(['cancel', runId])).toBe(`run ${runId}: cancelled\n`);
  });

  it('reports the wrong state (55000) and an unknown run (42704) in one line, exit 1', async () => {
    const runId = (await ok(['start', 'cli_other'])).trimEnd();
    await ok(['cancel', runId]);
    const pause = await cli(['pause', runId]);
    expect(pause).toEqual({
      code: 1,
      stdout: '',
      stderr: `pgflow-ts: error 55000: run "${runId}" is cancelled and cannot be paused (hint: Only a started run can be paused.)\n`,
    });
    const resume = await cli(['resume', runId]);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/^pgflow-ts: error 55000: run "[^"]+" is cancelled and cannot be resumed \(hint: .*\)\n$/);
    const unknown = await cli(['cancel', '00000000-0000-4000-8000-000000000000', '--reason', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^pgflow-ts: error 42704: run "00000000-0000-4000-8000-000000000000" does not exist/);
    expect(unknown.stderr.split('\n')).toHaveLength(2);
  });
});

describe('pgflow-ts retry', () => {
  it('takes a failed run back to started; a run that is not failed is an error (55000), exit 1', async () => {
    const runId = (await ok(['start', 'cli_orders'])).trimEnd();
    await startTasks('cli_orders');
    await db.sql`select pgflow.fail_task(${runId}::uuid, 'fetch', 0, 'down', retryable => false)`;
    expect((await runRow(runId)).status).toBe('failed');
    expect(await ok(['retry', runId])).toBe(`run ${runId}: started\n`);
    expect((await runRow(runId)).status).toBe('started');
    const again = await cli(['retry', runId]);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: `pgflow-ts: error 55000: run "${runId}" is started and cannot be retried (hint: Only a failed run can be retried; a started or paused run is still going, a completed one is done.)\n`,
    });
    expect((await cli(['retry', 'nope'])).code).toBe(2);
  });
});

describe('pgflow-ts schedules', () => {
  it('says when there are none', async () => {
    expect(await ok(['schedules'])).toBe('no schedules\n');
  });

  // pg_cron runs jobs in one database only (cron.database_name): the test
  // schedules a job there, under a name of its own, and removes it after.
  describe('where pg_cron is installed', () => {
    const slug = `cli_sched_${process.pid}`;
    let scheduled = false;

    // from this file's database: pg_cron runs in the one cron.database_name
    // names, reached through dblink (the job is made there, to run here)
    beforeAll(async () => {
      const [row] = await db.sql<{ db: string | null; dblink: boolean }[]>`
        select current_setting('cron.database_name', true) as db,
               exists (select from pg_available_extensions where name = 'dblink') as dblink`;
      if (!row?.db || !row.dblink) return;
      const sql = postgres({ ...connection, database: row.db, max: 1, onnotice: () => {} });
      const [ready] = await sql<{ ok: boolean }[]>`select count(*) = 1 as ok from pg_extension where extname = 'pg_cron'`;
      await sql.end();
      if (!ready?.ok) return;
      await db.sql`create extension if not exists dblink`;
      await db.sql`select pgflow.create_flow(${slug})`;
      await db.sql`select pgflow.add_step(${slug}, 'report')`;
      await db.sql`select pgflow.schedule_flow(${slug + '_nightly'}, '0 3 * * *', ${slug}, '{"full": true}')`;
      scheduled = true;
    });

    afterAll(async () => {
      if (scheduled) await db.sql`select pgflow.delete_flow_and_data(${slug})`;
    });

    it('lists pgflow\'s jobs with schedule and command from cron.job', async (ctx) => {
      if (!scheduled) return ctx.skip();
      const r = await cli(['schedules']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^job\s+jobid\s+flow\s+schedule\s+active\s+command$/);
      const line = lines.find((l) => l.startsWith(`${slug}_nightly `));
      expect(line?.split(/\s{2,}/)).toEqual([
        `${slug}_nightly`,
        expect.stringMatching(/^\d+$/),
        slug,
        '0 3 * * *',
        'yes',
        `select pgflow.start_flow('${slug}', '{"full": true}'::jsonb)`,
      ]);
    });
  });
});

describe('pgflow-ts run commands: wrong use and connection trouble', () => {
  it.each([
    [['runs', '--status', 'done'], 'pgflow-ts: --status must be one of started, completed, failed, paused, cancelled, not "done"'],
    [['runs', '--limit', '0'], 'pgflow-ts: --limit must be a positive whole number, not "0"'],
    [['runs', '-n', 'ten'], 'pgflow-ts: --limit must be a positive whole number, not "ten"'],
    [['runs', 'extra'], 'pgflow-ts: unexpected argument "extra"'],
    [['run'], 'pgflow-ts: run needs a run id'],
    [['start'], 'pgflow-ts: start needs a flow slug'],
    [['start', 'cli_orders', '--input', '{order: 1}'], /^pgflow-ts: --input is not valid JSON: /],
    [['cancel'], 'pgflow-ts: cancel needs a run id'],
    [['pause', '00000000-0000-4000-8000-000000000000', '--reason', 'x'], 'pgflow-ts: --reason applies to cancel only'],
    [['resume', 'x', 'y'], 'pgflow-ts: unexpected argument "y"'],
    [['schedules', '--flow', 'x'], 'pgflow-ts: --flow applies to runs only'],
    [['start', 'cli_orders', '--out', 'dir'], 'pgflow-ts: --out applies to compile only'],
  ])('exits 2 for %j, before connecting', async (args, message) => {
    // PGPORT 1: nothing listens there, so an attempt to connect would show.
    const r = await cli(args as string[], { PGPORT: '1' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, second, ...rest] = r.stderr.split('\n');
    if (typeof message === 'string') expect(first).toBe(message);
    else expect(first).toMatch(message);
    expect([second, ...rest]).toEqual(["run 'pgflow-ts --help' for usage", '']);
  });

  it('prints a refused connection and a missing database in one line, exit 1', async () => {
    const refused = await cli(['runs'], { PGPORT: '1' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^pgflow-ts: cannot connect to the database: .*ECONNREFUSED.* \(the connection comes from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD\)\n$/,
    );
    const missing = await cli(['runs'], { PGDATABASE: `${db.name}_missing` });
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `pgflow-ts: error 3D000: database "${db.name}_missing" does not exist\n` });
  });

  it('says in one line that the database commands need the postgres package, when it is not installed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgflow-cli-'));
    try {
      cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(root, 'package.json'), join(dir, 'package.json'));
      const r = await cli(['runs'], {}, join(dir, 'dist/cli/main.js'));
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr: 'pgflow-ts: the database commands need the "postgres" package, which is not installed: npm install postgres\n',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the run commands and the exit codes in --help', async () => {
    const help = await ok(['--help']);
    for (const usage of [
      'runs [--flow <slug>] [--status <status>] [--limit <n>]',
      'run <run-id>',
      'start <flow-slug> [--input <json>]',
      'cancel <run-id> [--reason <text>]',
      'pause <run-id>',
      'resume <run-id>',
      'schedules',
    ]) {
      expect(help).toContain(`\n  ${usage}\n`);
    }
    expect(help).toContain('PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD');
    expect(help).toMatch(/exit status: 0 done; 1 failed .*; 2 wrong use/s);
  });
});
