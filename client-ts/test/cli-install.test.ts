// `pgflow-ts db install` / `db upgrade` (src/cli/install.ts), the built CLI
// (test/global-setup.ts builds dist/, with the pg_tle script in dist/pgtle/):
//  - on the throwaway cluster (make db), where pgflow's files are installed:
//    create extension, then nothing to do; the messages for what is missing;
//  - where pg_tle is installed for the server (tests-pgtle/server.sh available), on
//    a simulated managed server of this file's own (no pgflow or pgmq files, pg_tle
//    preloaded, tests-pgtle/server.sh): a non-superuser owner installs through pg_tle
//    and upgrades from the first release. Skipped, visibly, where pg_tle is missing.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgtleMissing, pgtleScript, type Situation } from '../src/cli/install.js';
import { connection } from './db/harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const repo = join(root, '..');
const main = join(root, 'dist/cli/main.js');
const version = /^default_version = '(.*)'/m.exec(readFileSync(join(repo, 'pgflow.control'), 'utf8'))![1]!;
const first = readdirSync(join(repo, 'extension'))
  .map((f) => /^pgflow--(\d+\.\d+\.\d+)\.sql$/.exec(f)?.[1])
  .filter((v): v is string => v !== undefined)
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))[0]!;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const name = (what: string) => `pgflow_vt_${what}_${randomBytes(4).toString('hex')}`;

describe('db install / db upgrade where pgflow\'s files are on the server', () => {
  const admin = postgres({ ...connection, database: 'postgres', max: 1, onnotice: () => {} });
  const installed = name('install');
  const empty = name('empty');
  const env = (db: string) => ({ PGHOST: connection.host, PGPORT: String(connection.port), PGUSER: connection.user, PGDATABASE: db });

  beforeAll(async () => {
    await admin.unsafe(`create database ${installed}`);
    await admin.unsafe(`create database ${empty}`);
  }, 60_000);
  afterAll(async () => {
    for (const db of [installed, empty]) await admin.unsafe(`drop database if exists ${db} with (force)`);
    await admin.end();
  }, 60_000);

  it('install runs create extension pgflow cascade; again, it says pgflow is there', async () => {
    const r = await cli(['db', 'install'], env(installed));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`installed pgflow ${version} in database "${installed}" (create extension, from the server's files)\n`);
    const again = await cli(['db', 'install'], env(installed));
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`pgflow ${version} is already installed in database "${installed}" (db upgrade updates it)\n`);
  });

  it('upgrade on the newest version changes nothing and says so', async () => {
    const r = await cli(['db', 'upgrade'], env(installed));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pgflow ${version} is the newest version available in database "${installed}" (from the server's files)\n`);
  });

  it('upgrade where pgflow is not installed fails, naming db install', async () => {
    const r = await cli(['db', 'upgrade'], env(empty));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`pgflow-ts: pgflow is not installed in database "${empty}": run pgflow-ts db install\n`);
  });

  it('db takes install or upgrade only', async () => {
    const r = await cli(['db', 'drop'], env(empty));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('db takes install or upgrade, not "drop"');
  });
});

describe('what db install says is missing for pg_tle', () => {
  const base: Situation = {
    database: 'app',
    role: 'app_owner',
    installed: null,
    files: false,
    pgtleAvailable: true,
    pgtleEnabled: true,
    pgtleAdmin: true,
    registered: false,
  };

  it('nothing, when pg_tle is enabled and the role has pgtle_admin', () => {
    expect(pgtleMissing(base)).toBeUndefined();
  });
  it('pg_tle not on the server', () => {
    expect(pgtleMissing({ ...base, pgtleAvailable: false, pgtleEnabled: false })).toMatch(
      /^pgflow's files are not on this server and pg_tle is not available either: .*shared_preload_libraries/,
    );
  });
  it('pg_tle not enabled in the database, with what a superuser runs', () => {
    expect(pgtleMissing({ ...base, pgtleEnabled: false })).toContain(
      'pg_tle is not enabled in database "app": a superuser (rds_superuser on Amazon RDS) runs "create extension pg_tle" in it',
    );
  });
  it('the role lacking pgtle_admin, with the grant (the role quoted where it needs it)', () => {
    expect(pgtleMissing({ ...base, pgtleAdmin: false })).toContain(
      'role "app_owner" lacks pgtle_admin, which installing through pg_tle needs: a superuser runs "grant pgtle_admin to app_owner"',
    );
    expect(pgtleMissing({ ...base, role: 'App Owner', pgtleAdmin: false })).toContain('grant pgtle_admin to "App Owner"');
  });
  it('the package ships the pg_tle script of this version', () => {
    expect(pgtleScript(join(root, 'dist/pgtle')).version).toBe(version);
  });
});

const pgtleAvailable = spawnSync(join(repo, 'tests-pgtle/server.sh'), ['available'], { encoding: 'utf8' });
const noPgtle = pgtleAvailable.status !== 0;
if (noPgtle) {
  // Visible in the output, beside vitest's count of skipped tests.
  console.log(`skip: db install through pg_tle: ${pgtleAvailable.stdout.trim()}`);
}

describe.skipIf(noPgtle)('db install / db upgrade through pg_tle, on a server without pgflow\'s files', () => {
  const port = Number(process.env.PGFLOW_PGTLE_VITEST_PORT ?? 25451);
  let parent = '';
  const dir = () => join(parent, 'server');
  const owner = 'pgflow_vt_tle_owner';
  const su = postgres({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
  const env = (db: string) => ({ PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: owner, PGDATABASE: db });
  const inDb = (db: string) => postgres({ host: '127.0.0.1', port, user: 'postgres', database: db, max: 1, onnotice: () => {} });

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'pgflow-vt-pgtle-'));
    chmodSync(parent, 0o755); // the server runs as postgres where the tests run as root
    const r = spawnSync(join(repo, 'tests-pgtle/server.sh'), ['start', dir(), String(port)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the pg_tle server did not start: ${r.stdout}${r.stderr}`);
    await su.unsafe(`create role ${owner} login`);
    await su.unsafe(`create database app owner ${owner}`);
    await su.unsafe(`create database old owner ${owner}`);
  }, 120_000);
  afterAll(async () => {
    await su.end();
    if (parent === '') return;
    spawnSync(join(repo, 'tests-pgtle/server.sh'), ['stop', dir()]);
    rmSync(parent, { recursive: true, force: true });
  }, 60_000);

  it('says pg_tle is not enabled, then that the role lacks pgtle_admin', async () => {
    const r = await cli(['db', 'install'], env('app'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pg_tle is not enabled in database "app"');
    const sql = inDb('app');
    await sql`create extension pg_tle`;
    await sql.end();
    const r2 = await cli(['db', 'install'], env('app'));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`role "${owner}" lacks pgtle_admin`);
    expect(r2.stderr).toContain(`grant pgtle_admin to ${owner}`);
  });

  it('installs pgflow and pgmq through pg_tle as the owner, once', async () => {
    await su.unsafe(`grant pgtle_admin to ${owner}`);
    const r = await cli(['db', 'install'], env('app'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`installed pgflow ${version} in database "app" through pg_tle (pgflow--${version}.pgtle.sql)\n`);
    const sql = inDb('app');
    const rows = await sql`select extname, extversion, extowner::regrole::text as owner from pg_extension
                            where extname in ('pgflow', 'pgmq') order by 1`;
    expect(rows.map((x) => `${x.extname} ${x.owner}`)).toEqual([`pgflow ${owner}`, `pgmq ${owner}`]);
    await sql.end();
    expect((await cli(['db', 'install'], env('app'))).stdout).toContain('is already installed');
    const up = await cli(['db', 'upgrade'], env('app'));
    expect(up.stderr).toBe('');
    expect(up.stdout).toBe(
      `pgflow ${version} is the newest version available in database "app" (through pg_tle, pgflow--${version}.pgtle.sql)\n`,
    );
  });

  it(`upgrades pgflow ${first}, installed through pg_tle, as far as the update paths reach`, async () => {
    const sql = inDb('old');
    await sql`create extension pg_tle`;
    await sql.end();
    const owned = postgres({ ...{ host: '127.0.0.1', port, database: 'old' }, user: owner, max: 1, onnotice: () => {} });
    await owned.unsafe(readFileSync(pgtleScript(join(root, 'dist/pgtle')).path, 'utf8')).simple();
    await owned.unsafe(`create extension pgflow version '${first}' cascade`);
    await owned.end();
    const r = await cli(['db', 'upgrade'], env('old'));
    if (readdirSync(join(repo, 'extension')).some((f) => f.endsWith(`--${version}.sql`))) {
      // an update script reaches it (released, or about to be): registered too
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`updated pgflow from ${first} to ${version} in database "old" (through pg_tle, pgflow--${version}.pgtle.sql)\n`);
    } else {
      // not released yet: no update script reaches it; the CLI names the newest version the paths reach
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`pgflow ${first} has no update path to ${version} on this server .*the newest it can reach is \\d`));
    }
  });
});
