// The CLI's database connection: postgres.js (the app's peer dependency) with
// its usual settings from the environment, PGHOST, PGPORT, PGDATABASE, PGUSER,
// PGPASSWORD (PGSSLMODE, PGAPPNAME, ...), as `postgres()` reads them in an app.
import type { Sql } from 'postgres';
import { CliError } from './errors.js';

type Postgres = typeof import('postgres');

export async function loadPostgres(): Promise<Postgres> {
  try {
    const mod = (await import('postgres')) as unknown as { default?: Postgres };
    return mod.default ?? (mod as unknown as Postgres);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message?.includes("'postgres'")) {
      throw new CliError('the database commands need the "postgres" package, which is not installed: npm install postgres');
    }
    throw err;
  }
}

/** Runs `work` on one connection, closed afterwards whatever happens. */
export async function withDatabase<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const postgres = await loadPostgres();
  const sql = postgres({
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: process.env.PGAPPNAME || 'pgflow-ts' },
  });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 }).catch(() => {});
  }
}
