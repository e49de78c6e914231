#!/usr/bin/env node
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compileFlow } from '../compile/compile.js';
import { isFlow, type AnyFlow } from '../dsl/flow.js';
import { changeRun, startRun } from './control.js';
import { withDatabase } from './db.js';
import { CliError, databaseErrorLine, EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors.js';
import { renderManifest } from './inspect.js';
import { listRuns, RUN_STATUSES, showRun } from './runs.js';
import { listSchedules } from './schedules.js';
import { DB_COMMANDS, runDbCommand, type DbCommand } from './install.js';
import { runDashboard } from './dashboard.js';

const HELP = `usage: pgflow-ts <command> [options]

flow files:
  compile <flow-file> [--out <dir>] [--export <name>]
      for each Flow the file exports, print the path of its migration in <dir>
      (default ./migrations): <UTC YYYYMMDDHHMMSS>_create_<flow_slug>.sql,
      written only when the newest such file does not hold the same SQL
  inspect <flow-file> [--export <name>]
      print each flow's options, steps and DAG

A flow file is a .ts or .js module; .ts files load without a build step
(the "typescript" package must be installed). Without --export, every Flow it
exports is used (the default export and named exports).

runs (connect with PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, as postgres.js
does; times in UTC):
  runs [--flow <slug>] [--status <status>] [--limit <n>]
      the newest runs first (default 20): id, flow, status, started, finished,
      steps remaining; <status> is started, paused, completed, failed or cancelled
  run <run-id>
      a run's status, input and output (long JSON cut), and its steps: status,
      tasks done, attempts, start time, duration, first line of the error
  start <flow-slug> [--input <json>]
      start a run (pgflow.start_flow, input {} by default) and print its id
  cancel <run-id> [--reason <text>]
  pause <run-id>
  resume <run-id>
      pgflow.cancel_run, pause_run or resume_run; print the run's new status
  retry <run-id>
      pgflow.retry_run: a failed run goes on from where it failed (completed
      steps kept, failed tasks run again); print the run's new status
  schedules
      pgflow's pg_cron jobs (pgflow.schedules), with schedule and command
  db install | db upgrade
      install pgflow into the database, or update it to the newest version:
      create extension where pgflow's files are on the server, else through
      pg_tle with the script this package ships (docs/managed-postgres.md)
  dashboard [--port 8080] [--host 127.0.0.1]
      a web dashboard of flows, runs (live) and metrics, and /metrics for
      Prometheus, acting as the connecting role, until Ctrl-C

options:
  -o, --out <dir>       where compile writes (default: ./migrations)
  -e, --export <name>   use only this export ("default" for the default export)
  -f, --flow <slug>     runs: only this flow's
  -s, --status <name>   runs: only runs in this status
  -n, --limit <n>       runs: at most n (default 20)
  -i, --input <json>    start: the run input (default {})
  -r, --reason <text>   cancel: why, stored in runs.cancel_reason
  -p, --port <n>        dashboard: the port (default 8080)
  -H, --host <addr>     dashboard: the address to listen on (default 127.0.0.1)
  -h, --help            show this help
  -v, --version         print the version

exit status: 0 done; 1 failed (a database error prints its SQLSTATE, as in
"error 55000: run ... cannot be cancelled"); 2 wrong use of the command line
`;

const TS_FILE = /\.[mc]?ts$/;
const require = createRequire(import.meta.url);

/** `typescript` is an optional peer dependency, needed only to load .ts flow files. */
function assertTypeScript(file: string): void {
  if (!TS_FILE.test(file)) return;
  let version: string;
  try {
    // Resolved from here, as the loader will.
    version = (require('typescript/package.json') as { version: string }).version;
  } catch {
    throw new CliError(
      `loading ${file} needs the "typescript" package, which is not installed: npm install --save-dev typescript (or compile the flow file to .js first)`,
    );
  }
  // TypeScript 7 (the native compiler) has no transpileModule, which the loader uses.
  if (Number(version.split('.')[0]) >= 7) {
    throw new CliError(
      `loading ${file} needs typescript 5 or 6 (found ${version}, which has no transpile API): npm install --save-dev typescript@6 (or compile the flow file to .js first)`,
    );
  }
}

async function loadFlows(file: string, exportName: string | undefined): Promise<AnyFlow[]> {
  const path = resolve(file);
  assertTypeScript(file);
  // Stack traces from a flow file then point at its TypeScript lines.
  process.setSourceMapsEnabled(true);
  register('./loader.js', import.meta.url);
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && (err as Error).message.includes(path)) {
      throw new UsageError(`cannot find flow file ${file}`);
    }
    throw err;
  }
  const names = Object.keys(mod);
  if (exportName !== undefined) {
    if (!isFlow(mod[exportName])) {
      const found = names.filter((n) => isFlow(mod[n]));
      throw new UsageError(
        `${file} has no Flow export named "${exportName}" (Flow exports: ${found.length ? found.join(', ') : 'none'})`,
      );
    }
    return [mod[exportName]];
  }
  // The default export first, then named ones; a flow exported twice counts once.
  const ordered = ['default', ...names.filter((n) => n !== 'default')];
  const flows = [...new Set(ordered.map((n) => mod[n]).filter(isFlow))];
  if (flows.length === 0) throw new UsageError(`${file} exports no Flow (exports: ${names.join(', ') || 'none'})`);
  const slugs = flows.map((f) => f.slug);
  const twice = slugs.find((s, i) => slugs.indexOf(s) !== i);
  if (twice !== undefined) {
    throw new UsageError(`${file} exports two different flows with slug "${twice}"; pick one with --export`);
  }
  return flows;
}

function utcStamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/** The UTC time a stamp names. */
function stampTime(stamp: string): number {
  const [y, mo, d, h, mi, s] = stamp.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/)!.slice(1).map(Number);
  return Date.UTC(y!, mo! - 1, d, h, mi, s);
}

/**
 * The migration for one flow: the newest `<stamp>_create_<slug>.sql` in `dir`
 * when it holds exactly `sql` (compiling again changes nothing), else a new
 * file. A file that differs is never rewritten: it may have been applied.
 */
function writeMigration(dir: string, slug: string, sql: string, now: Date): string {
  const suffix = `_create_${slug}.sql`;
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith(suffix) && /^\d{14}$/.test(f.slice(0, -suffix.length)))
    .sort()
    .at(-1);
  if (newest !== undefined && readFileSync(join(dir, newest), 'utf8') === sql) return join(dir, newest);
  // Later than the newest, so that the new file sorts (and is applied) after it.
  const time = newest === undefined ? now.getTime() : Math.max(now.getTime(), stampTime(newest.slice(0, 14)) + 1000);
  const path = join(dir, `${utcStamp(new Date(time))}${suffix}`);
  // 'wx': never overwrite a migration that may already have been applied.
  writeFileSync(path, sql, { flag: 'wx' });
  return path;
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

type OptionName = 'out' | 'export' | 'flow' | 'status' | 'limit' | 'input' | 'reason' | 'port' | 'host';

interface Command {
  /** What its one positional argument is called, if it takes one. */
  readonly argument?: string;
  readonly options: readonly OptionName[];
}

const COMMANDS: Record<string, Command> = {
  compile: { argument: 'a flow file', options: ['out', 'export'] },
  inspect: { argument: 'a flow file', options: ['export'] },
  runs: { options: ['flow', 'status', 'limit'] },
  run: { argument: 'a run id', options: [] },
  start: { argument: 'a flow slug', options: ['input'] },
  cancel: { argument: 'a run id', options: ['reason'] },
  pause: { argument: 'a run id', options: [] },
  resume: { argument: 'a run id', options: [] },
  retry: { argument: 'a run id', options: [] },
  schedules: { options: [] },
  db: { argument: 'install or upgrade', options: [] },
  dashboard: { options: ['port', 'host'] },
};

const DEFAULT_LIMIT = 20;

/** A run id as PostgreSQL reads a uuid (with or without dashes and braces). */
function runId(text: string): string {
  if (!/^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(text)) {
    throw new UsageError(`"${text}" is not a run id (a UUID, as start and runs print it)`);
  }
  return text;
}

function limit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new UsageError(`--limit must be a positive whole number, not "${text}"`);
  return Number(text);
}

function runStatus(text: string | undefined): string | undefined {
  if (text !== undefined && !(RUN_STATUSES as readonly string[]).includes(text)) {
    throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}, not "${text}"`);
  }
  return text;
}

/** The --input text, checked to be JSON here so that a typo is a usage error. */
function runInput(text: string | undefined): string {
  if (text === undefined) return '{}';
  try {
    JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--input is not valid JSON: ${(err as Error).message}`);
  }
  return text;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      export: { type: 'string', short: 'e' },
      flow: { type: 'string', short: 'f' },
      status: { type: 'string', short: 's' },
      limit: { type: 'string', short: 'n' },
      input: { type: 'string', short: 'i' },
      reason: { type: 'string', short: 'r' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'H' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    process.stdout.write(version() + '\n');
    return;
  }
  const [command, arg, ...rest] = positionals;
  if (values.help || command === 'help' || command === undefined) {
    process.stdout.write(HELP);
    if (command === undefined && !values.help) process.exitCode = EXIT_USAGE;
    return;
  }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (spec === undefined) throw new UsageError(`unknown command "${command}"`);
  for (const name of Object.keys(values) as OptionName[]) {
    if (spec.options.includes(name)) continue;
    const users = Object.keys(COMMANDS).filter((c) => COMMANDS[c]!.options.includes(name));
    throw new UsageError(`--${name} applies to ${users.join(' and ')} only`);
  }
  if (spec.argument !== undefined && arg === undefined) throw new UsageError(`${command} needs ${spec.argument}`);
  const extra = spec.argument === undefined ? arg : rest[0];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);

  if (command === 'compile' || command === 'inspect') return flowFileCommand(command, arg!, values);
  // Arguments are checked before connecting, so that wrong use fails fast.
  const print = (text: string) => void process.stdout.write(text);
  switch (command) {
    case 'runs': {
      const filter = { flow: values.flow, status: runStatus(values.status), limit: limit(values.limit) };
      return withDatabase(async (sql) => print(await listRuns(sql, filter)));
    }
    case 'run': {
      const id = runId(arg!);
      return withDatabase(async (sql) => print(await showRun(sql, id)));
    }
    case 'start': {
      const input = runInput(values.input);
      return withDatabase(async (sql) => print(`${await startRun(sql, arg!, input)}\n`));
    }
    case 'cancel':
    case 'pause':
    case 'resume':
    case 'retry': {
      const id = runId(arg!);
      return withDatabase(async (sql) => print(`run ${id}: ${await changeRun(sql, command, id, values.reason)}\n`));
    }
    case 'dashboard':
      return runDashboard({ port: values.port, host: values.host });
    case 'schedules':
      return withDatabase(async (sql) => print(await listSchedules(sql)));
    case 'db': {
      if (!(DB_COMMANDS as readonly string[]).includes(arg!)) throw new UsageError(`db takes install or upgrade, not "${arg}"`);
      return withDatabase(async (sql) => print(await runDbCommand(sql, arg as DbCommand)));
    }
  }
}

async function flowFileCommand(command: 'compile' | 'inspect', file: string, values: { out?: string; export?: string }): Promise<void> {
  const flows = await loadFlows(file, values.export);
  if (command === 'inspect') {
    process.stdout.write(flows.map(renderManifest).join('\n'));
    return;
  }
  const dir = values.out ?? 'migrations';
  mkdirSync(dir, { recursive: true });
  const now = new Date();
  for (const flow of flows) process.stdout.write(writeMigration(dir, flow.slug, compileFlow(flow), now) + '\n');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; code?: string };
  const usage = err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') === true;
  const database = databaseErrorLine(err);
  // Expected failures get one line; anything else keeps its stack for debugging.
  const brief = usage || err instanceof CliError || e.name === 'FlowDefinitionError' || !(err instanceof Error);
  const text =
    database ?? (brief ? (err instanceof Error ? err.message : String(err)) : ((err as Error).stack ?? (err as Error).message));
  process.stderr.write(`pgflow-ts: ${text}\n${usage ? "run 'pgflow-ts --help' for usage\n" : ''}`);
  process.exitCode = usage ? EXIT_USAGE : EXIT_FAILURE;
});
