#!/usr/bin/env node
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compileFlow } from '../compile/compile.js';
import { isFlow, type AnyFlow } from '../dsl/flow.js';
import { renderManifest } from './inspect.js';

const HELP = `usage: pgflow-ts <command> [options]

commands:
  compile <flow-file> [--out <dir>] [--export <name>]
      for each Flow the file exports, print the path of its migration in <dir>
      (default ./migrations): <UTC YYYYMMDDHHMMSS>_create_<flow_slug>.sql,
      written only when the newest such file does not hold the same SQL
  inspect <flow-file> [--export <name>]
      print each flow's options, steps and DAG

A flow file is a .ts or .js module; .ts files load without a build step
(the "typescript" package must be installed). Without --export, every Flow it
exports is used (the default export and named exports).

options:
  -o, --out <dir>       where compile writes (default: ./migrations)
  -e, --export <name>   use only this export ("default" for the default export)
  -h, --help            show this help
  -v, --version         print the version
`;

/** Wrong use: one line, and where the help is. */
class UsageError extends Error {}
/** An expected failure: one line, no stack. */
class CliError extends Error {}

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

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      export: { type: 'string', short: 'e' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    process.stdout.write(version() + '\n');
    return;
  }
  const [command, file, ...rest] = positionals;
  if (values.help || command === 'help' || command === undefined) {
    process.stdout.write(HELP);
    if (command === undefined && !values.help) process.exitCode = 1;
    return;
  }
  if (command !== 'compile' && command !== 'inspect') throw new UsageError(`unknown command "${command}"`);
  if (file === undefined) throw new UsageError(`${command} needs a flow file`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (command === 'inspect' && values.out !== undefined) throw new UsageError('--out applies to compile only');

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
  // Expected failures get one line; anything else keeps its stack for debugging.
  const brief = usage || err instanceof CliError || e.name === 'FlowDefinitionError' || !(err instanceof Error);
  const text = brief ? (err instanceof Error ? err.message : String(err)) : (err.stack ?? err.message);
  process.stderr.write(`pgflow-ts: ${text}\n${usage ? "run 'pgflow-ts --help' for usage\n" : ''}`);
  process.exitCode = 1;
});
