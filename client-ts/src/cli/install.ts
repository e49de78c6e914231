// `pgflow-ts db install` and `db upgrade`: the extension into the database the
// CLI connects to. Where pgflow's files are on the server, CREATE EXTENSION /
// ALTER EXTENSION UPDATE; where they are not (Supabase, Amazon RDS and Aurora),
// through pg_tle with the script the package ships (make pgtle builds it:
// pgflow--<version>.pgtle.sql, which registers pgmq where none is available,
// pgflow's first release, the newest one, every update path and the default).
// Otherwise it says what is missing (pg_tle not enabled, the role lacking
// pgtle_admin) and what a superuser runs to fix it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import { CliError } from './errors.js';

export type DbCommand = 'install' | 'upgrade';
export const DB_COMMANDS: readonly DbCommand[] = ['install', 'upgrade'];

/** Where the package keeps the pg_tle script: dist/pgtle/ (build-dist.mjs copies it there). */
const PGTLE_DIR = fileURLToPath(new URL('../pgtle/', import.meta.url));

export interface PgtleScript {
  readonly version: string;
  readonly path: string;
}

/** The pg_tle script the package ships, the newest if there are several. */
export function pgtleScript(dir = PGTLE_DIR): PgtleScript {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // no directory: reported below
  }
  const found = names
    .map((n) => /^pgflow--(\d+(?:\.\d+)*)\.pgtle\.sql$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: m[1]!, path: join(dir, m[0]) }))
    .sort((a, b) => compareVersions(a.version, b.version));
  const newest = found.at(-1);
  if (newest === undefined) {
    throw new CliError(`this copy of pgflow-ts has no pg_tle script (pgflow--<version>.pgtle.sql in ${dir}); build it with npm run build in the repository`);
  }
  return newest;
}

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** What the server and the role have, read in one query. */
export interface Situation {
  database: string;
  role: string;
  installed: string | null;
  /** pgflow's control file is in the server's extension directory. */
  files: boolean;
  /** pg_tle can be created in this database (its files are there). */
  pgtleAvailable: boolean;
  /** pg_tle is created in this database. */
  pgtleEnabled: boolean;
  pgtleAdmin: boolean;
  /** pgflow is registered through pg_tle in this database. */
  registered: boolean;
}

async function situation(sql: Sql): Promise<Situation> {
  const [row] = await sql<Situation[]>`
    select pg_catalog.current_database() as database,
           current_user as role,
           (select extversion from pg_catalog.pg_extension where extname = 'pgflow') as installed,
           exists (select from pg_catalog.pg_available_extensions where name = 'pgflow') as files,
           exists (select from pg_catalog.pg_available_extensions where name = 'pg_tle') as "pgtleAvailable",
           exists (select from pg_catalog.pg_extension where extname = 'pg_tle') as "pgtleEnabled",
           -- pg_has_role fails on a role that does not exist: asked only where pg_tle made it
           case when exists (select from pg_catalog.pg_roles where rolname = 'pgtle_admin')
                then pg_catalog.pg_has_role(current_user, 'pgtle_admin', 'member') else false end as "pgtleAdmin"`;
  const s = row!;
  // pg_tle's registrations live in its schema, read only when it is there.
  s.registered = s.pgtleEnabled
    ? (await sql<{ registered: boolean }[]>`
        select exists (select from pgtle.available_extensions() where name = 'pgflow') as registered`)[0]!.registered
    : false;
  // A registered extension is not a file on the server (pg_available_extensions reads the directory).
  if (s.registered) s.files = false;
  return s;
}

/** Why pg_tle cannot be used by this role here, with what a superuser runs; undefined when it can. */
export function pgtleMissing(s: Situation): string | undefined {
  const noFiles = `pgflow's files are not on this server`;
  if (!s.pgtleAvailable) {
    return `${noFiles} and pg_tle is not available either: install pgflow's files (make install) or use a server with pg_tle (Supabase, Amazon RDS and Aurora have it: add pg_tle to shared_preload_libraries, then create extension pg_tle)`;
  }
  if (!s.pgtleEnabled) {
    return `${noFiles} and pg_tle is not enabled in database "${s.database}": a superuser (rds_superuser on Amazon RDS) runs "create extension pg_tle" in it (pg_tle must be in shared_preload_libraries)`;
  }
  if (!s.pgtleAdmin) {
    return `${noFiles}, and role "${s.role}" lacks pgtle_admin, which installing through pg_tle needs: a superuser runs "grant pgtle_admin to ${quoteIdent(s.role)}"`;
  }
  return undefined;
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Registers the shipped script's versions with pg_tle; each only where missing, so a second run changes nothing. */
async function register(sql: Sql, script: PgtleScript): Promise<void> {
  // The simple protocol: the script is several statements, its own transaction (begin ... commit).
  await sql.unsafe(readFileSync(script.path, 'utf8')).simple();
}

/**
 * `db install` or `db upgrade` on the connection's database: one line saying what it did.
 * Failures the user can fix throw CliError naming what is missing.
 */
export async function runDbCommand(sql: Sql, command: DbCommand, script?: PgtleScript): Promise<string> {
  const s = await situation(sql);
  if (command === 'install') {
    if (s.installed !== null) {
      return `pgflow ${s.installed} is already installed in database "${s.database}" (db upgrade updates it)\n`;
    }
    if (s.files) {
      await sql`create extension pgflow cascade`;
      return `installed pgflow ${await installedVersion(sql)} in database "${s.database}" (create extension, from the server's files)\n`;
    }
    const missing = pgtleMissing(s);
    if (missing !== undefined) throw new CliError(missing);
    const shipped = script ?? pgtleScript();
    await register(sql, shipped);
    await sql`create extension pgflow cascade`;
    return `installed pgflow ${await installedVersion(sql)} in database "${s.database}" through pg_tle (${shipped.path.split('/').at(-1)})\n`;
  }

  if (s.installed === null) {
    throw new CliError(`pgflow is not installed in database "${s.database}": run pgflow-ts db install`);
  }
  let how = `from the server's files`;
  if (s.registered) {
    const missing = pgtleMissing(s);
    if (missing !== undefined) throw new CliError(missing.replace(`pgflow's files are not on this server`, 'pgflow was installed through pg_tle'));
    const shipped = script ?? pgtleScript();
    await register(sql, shipped);
    how = `through pg_tle, ${shipped.path.split('/').at(-1)}`;
  } else if (!s.files) {
    throw new CliError(`pgflow ${s.installed} is installed in database "${s.database}" but neither its files nor a pg_tle registration are on the server: nothing to update from`);
  }
  const target = await defaultVersion(sql, s.registered);
  if (target !== s.installed) {
    const paths = await updateTargets(sql, s.registered, s.installed);
    if (!paths.includes(target)) {
      const newest = paths.sort(compareVersions).at(-1);
      throw new CliError(
        `pgflow ${s.installed} has no update path to ${target} on this server (${how})` +
          (newest === undefined ? '' : `; the newest it can reach is ${newest}: alter extension pgflow update to '${newest}'`),
      );
    }
    await sql`alter extension pgflow update`;
  }
  const now = await installedVersion(sql);
  if (now === s.installed) return `pgflow ${now} is the newest version available in database "${s.database}" (${how})\n`;
  return `updated pgflow from ${s.installed} to ${now} in database "${s.database}" (${how})\n`;
}

/** The version `alter extension pgflow update` goes to. */
async function defaultVersion(sql: Sql, registered: boolean): Promise<string> {
  const [row] = registered
    ? await sql<{ v: string }[]>`select default_version as v from pgtle.available_extensions() where name = 'pgflow'`
    : await sql<{ v: string }[]>`select default_version as v from pg_catalog.pg_available_extensions where name = 'pgflow'`;
  return row!.v;
}

/** The versions an update from `from` can reach. */
async function updateTargets(sql: Sql, registered: boolean, from: string): Promise<string[]> {
  const rows = registered
    ? await sql<{ v: string }[]>`select target as v from pgtle.extension_update_paths('pgflow') where source = ${from} and path is not null`
    : await sql<{ v: string }[]>`select target as v from pg_catalog.pg_extension_update_paths('pgflow') where source = ${from} and path is not null`;
  return rows.map((r) => r.v);
}

async function installedVersion(sql: Sql): Promise<string> {
  const [row] = await sql<{ v: string }[]>`select extversion as v from pg_catalog.pg_extension where extname = 'pgflow'`;
  return row!.v;
}
