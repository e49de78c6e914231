#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compileFlow } from '../compile/compile.js';
import { isFlow, type AnyFlow } from '../dsl/flow.js';
import { renderManifest } from './inspect.js';

const HELP = `usage: pgflow <command> [options]

commands:
  compile <flow-file> [--out <dir>] [--export <name>]
      write <dir>/<UTC YYYYMMDDHHMMSS>_create_<flow_slug>.sql for each Flow the
      file exports (default dir: ./migrations) and print the paths
  inspect <flow-file> [--export <name>]
      print each flow's options, steps and DAG

A flow file is a .ts or .js module; .ts files load without a build step
(the "typescript" package must be installed). Without --export, every Flow it
exports is used (the default export and named exports).

options:
  -o, --out <dir>       where compile writes (default: ./migrations)
  -e, --export <name>   use only this export ("default" for the default export)
  -h, --help            show this help
`;

class UsageError extends Error {}

async function loadFlows(file: string, exportName: string | undefined): Promise<AnyFlow[]> {
  const path = resolve(file);
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

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      export: { type: 'string', short: 'e' },
      help: { type: 'boolean', short: 'h' },
    },
  });
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
  const stamp = utcStamp(new Date());
  for (const flow of flows) {
    const path = join(dir, `${stamp}_create_${flow.slug}.sql`);
    // 'wx': never overwrite a migration that may already have been applied.
    writeFileSync(path, compileFlow(flow), { flag: 'wx' });
    process.stdout.write(path + '\n');
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; code?: string };
  const usage = err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') === true;
  // Expected failures get one line; anything else keeps its stack for debugging.
  const brief = usage || e.name === 'FlowDefinitionError' || !(err instanceof Error);
  const text = brief ? (err instanceof Error ? err.message : String(err)) : (err.stack ?? err.message);
  process.stderr.write(`pgflow: ${text}\n${usage ? "run 'pgflow --help' for usage\n" : ''}`);
  process.exitCode = 1;
});
