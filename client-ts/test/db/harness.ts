// A fresh database per test file on the throwaway cluster (make db), with the
// extension installed: `create extension pgflow cascade`. Dropped afterwards.
//
//   const db = useTestDatabase();
//   it('...', async () => { await db.sql`select 1` });
import { randomBytes } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { connection } from './connection.js';

export { connection };

export interface TestDatabase {
  readonly name: string;
  /** The main client of the test file (onnotice silenced). */
  readonly sql: Sql;
  /** Another client on the same database (its own pool), ended in afterAll. */
  connect(options?: postgres.Options<{}>): Sql;
}

export function useTestDatabase(): TestDatabase {
  const name = `pgflow_vt_${randomBytes(6).toString('hex')}`;
  const admin = postgres({ ...connection, database: 'postgres', max: 1, onnotice: () => {} });
  const clients: Sql[] = [];
  let main: Sql | undefined;

  const connect = (options: postgres.Options<{}> = {}) => {
    const sql = postgres({ ...connection, database: name, onnotice: () => {}, ...options });
    clients.push(sql);
    return sql;
  };

  beforeAll(async () => {
    await admin.unsafe(`create database ${name}`);
    main = connect();
    await main`create extension pgflow cascade`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end({ timeout: 5 }).catch(() => {})));
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }, 60_000);

  return {
    name,
    get sql() {
      if (!main) throw new Error('the test database is created in beforeAll');
      return main;
    },
    connect,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value (returned), or throws after timeoutMs. */
type Falsy = undefined | null | false | 0 | '';
export async function until<T>(
  check: () => Promise<T | Falsy> | T | Falsy,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** A promise with its resolve function, for handlers that wait on the test. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
