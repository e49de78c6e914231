import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compileFlow } from '../src/index.js';
import * as fixtures from './fixtures/flows.js';

// Runs the built CLI (test/global-setup.ts builds dist/ first).
const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'dist/cli/main.js');
const fixture = (name: string) => join(root, 'test/fixtures', name);

function pgflow(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgflow-cli-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const MIGRATION = /^\d{14}_create_[a-zA-Z0-9_]+\.sql$/;

describe('pgflow-ts compile', () => {
  it('writes one migration per exported flow, each flow once, and prints the paths', () => {
    const out = tempDir();
    const before = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const r = pgflow(['compile', fixture('flows.ts'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(MIGRATION);
    const [nums, orders] = files as [string, string];
    expect(nums.endsWith('_create_nums.sql')).toBe(true);
    expect(orders.endsWith('_create_orders.sql')).toBe(true);
    expect(nums.slice(0, 14) >= before).toBe(true);
    // The default export comes first.
    expect(r.stdout).toBe(`${join(out, orders)}\n${join(out, nums)}\n`);
    expect(readFileSync(join(out, orders), 'utf8')).toBe(compileFlow(fixtures.orders));
    expect(readFileSync(join(out, nums), 'utf8')).toBe(compileFlow(fixtures.nums));
  });

  it('is idempotent: compiling again prints the same paths and writes nothing', () => {
    const out = tempDir();
    const first = pgflow(['compile', fixture('flows.ts'), '--out', out]);
    const before = readdirSync(out).map((f) => [f, statSync(join(out, f)).mtimeMs]);
    const again = pgflow(['compile', fixture('flows.ts'), '--out', out]);
    expect(again).toEqual(first);
    expect(readdirSync(out).map((f) => [f, statSync(join(out, f)).mtimeMs])).toEqual(before);
    // So `psql -f "$(npx pgflow-ts compile flow.ts -e nums)"` always names the one file to apply.
    expect(pgflow(['compile', fixture('flows.ts'), '-e', 'nums', '-o', out]).stdout).toMatch(/_create_nums\.sql\n$/);
    expect(readdirSync(out)).toHaveLength(2);
  });

  it('compiles only the export named by --export', () => {
    const out = tempDir();
    const r = pgflow(['compile', fixture('flows.ts'), '--export', 'nums', '--out', out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toEqual([expect.stringMatching(/^\d{14}_create_nums\.sql$/)]);
    const byDefault = pgflow(['compile', fixture('flows.ts'), '-e', 'default', '-o', out]);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toMatch(/_create_orders\.sql\n$/);
  });

  it('writes to ./migrations by default, relative paths resolved from the working directory', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'flow.mjs'), `export { nums as default } from ${JSON.stringify(fixture('flows.ts'))};\n`);
    const r = pgflow(['compile', 'flow.mjs'], cwd);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^migrations\/\d{14}_create_nums\.sql\n$/);
    expect(readdirSync(join(cwd, 'migrations'))).toHaveLength(1);
  });

  it('compiles the example, which imports the package by name', () => {
    const out = tempDir();
    const r = pgflow(['compile', 'examples/diamond.ts', '--out', out]);
    expect(r.stderr).toBe('');
    const [file] = readdirSync(out);
    expect(file).toMatch(/^\d{14}_create_diamond\.sql$/);
    expect(readFileSync(join(out, file!), 'utf8')).toContain(
      '  {"slug": "square", "type": "map", "deps": ["seed"]},',
    );
  });
});

describe('pgflow-ts inspect', () => {
  it('prints the manifest and the DAG of the diamond example', () => {
    const r = pgflow(['inspect', 'examples/diamond.ts', '--export', 'diamond']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`flow diamond
  options: maxAttempts=3 timeout=30

steps (5):
  slug           type    depends on  options
  seed           single  -           -
  square         map     seed        -
  sum            single  square      -
  label          single  seed        -
  report (leaf)  single  sum, label  maxAttempts=1

dag ([x] single step, {x} map step):
  0: [seed]
    |
  1: {square}  [label]
    |
  2: [sum]
    |
  3: [report]

edges:
  seed --> square  (one task per element)
  square --> sum
  seed --> label
  sum --> report
  label --> report
`);
  });

  it('shows every exported flow, and a root map over the run input', () => {
    const r = pgflow(['inspect', fixture('flows.ts')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`flow orders
  options: maxAttempts=5

steps (3):
  slug          type    depends on  options
  load          single  -           -
  price         map     load        timeout=10
  total (leaf)  single  price       -

dag ([x] single step, {x} map step):
  0: [load]
    |
  1: {price}
    |
  2: [total]

edges:
  load --> price  (one task per element)
  price --> total

flow nums
  options: -

steps (1):
  slug           type  depends on   options
  double (leaf)  map   (run input)  -

dag ([x] single step, {x} map step):
  0: {double}

edges:
  (run input) --> double  (one task per element)
`);
  });
});

describe('pgflow-ts errors', () => {
  it('prints help', () => {
    const r = pgflow(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: pgflow-ts <command>/);
    expect(r.stdout).toContain('compile <flow-file> [--out <dir>] [--export <name>]');
    expect(r.stdout).toContain('inspect <flow-file> [--export <name>]');
  });

  it.each([
    [[], 2, /^$/],
    [['deploy', 'x.ts'], 2, /^pgflow-ts: unknown command "deploy"\nrun 'pgflow-ts --help' for usage\n$/],
    [['compile'], 2, /^pgflow-ts: compile needs a flow file\n/],
    [['compile', 'nope.ts'], 2, /^pgflow-ts: cannot find flow file nope\.ts\n/],
    [['inspect', 'test/fixtures/no-flows.ts'], 2, /^pgflow-ts: test\/fixtures\/no-flows\.ts exports no Flow \(exports: answer\)\n/],
    [
      ['inspect', 'test/fixtures/flows.ts', '--export', 'notAFlow'],
      2,
      /^pgflow-ts: test\/fixtures\/flows\.ts has no Flow export named "notAFlow" \(Flow exports: default, nums, orders\)\n/,
    ],
    [['compile', 'test/fixtures/invalid-flow.ts'], 1, /^pgflow-ts: step "load" depends on unknown step "extract"\n$/],
    [['compile', 'x.ts', '--bogus'], 2, /^pgflow-ts: Unknown option '--bogus'/],
    [['inspect', 'x.ts', '--out', 'dir'], 2, /^pgflow-ts: --out applies to compile only\n/],
  ])('exits with the code for %j: 2 wrong use, 1 failure', (args, code, stderr) => {
    const r = pgflow(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
  });

  it('never overwrites an existing migration: a changed flow gets a new file, sorted after it', () => {
    const out = tempDir();
    const first = pgflow(['compile', fixture('flows.ts'), '-e', 'nums', '-o', out]).stdout.trim();
    writeFileSync(first, '-- applied already\n');
    const second = pgflow(['compile', fixture('flows.ts'), '-e', 'nums', '-o', out]);
    expect(second.stderr).toBe('');
    const path = second.stdout.trim();
    expect(path).not.toBe(first);
    expect(path > first).toBe(true); // even within the same second
    expect(readFileSync(first, 'utf8')).toBe('-- applied already\n');
    expect(readFileSync(path, 'utf8')).toBe(compileFlow(fixtures.nums));
    // And that one is now the flow's migration.
    expect(pgflow(['compile', fixture('flows.ts'), '-e', 'nums', '-o', out]).stdout.trim()).toBe(path);
    expect(readdirSync(out)).toHaveLength(2);
  });

  it('prints the version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = pgflow([flag]);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('says in one line that a .ts flow file needs typescript, when it is not installed', () => {
    // The built package alone, where no node_modules/typescript can be found.
    const dir = tempDir();
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    writeFileSync(join(dir, 'flow.ts'), 'export const x: number = 1;\n');
    const r = spawnSync(process.execPath, [join(dir, 'dist/cli/main.js'), 'compile', 'flow.ts'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'pgflow-ts: loading flow.ts needs the "typescript" package, which is not installed: ' +
        'npm install --save-dev typescript (or compile the flow file to .js first)\n',
    );
    // TypeScript 7, the native compiler, has no transpile API.
    mkdirSync(join(dir, 'node_modules/typescript'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/typescript/package.json'), '{"name": "typescript", "version": "7.0.2"}');
    const seven = spawnSync(process.execPath, [join(dir, 'dist/cli/main.js'), 'compile', 'flow.ts'], { cwd: dir, encoding: 'utf8' });
    expect(seven.status).toBe(1);
    expect(seven.stderr).toMatch(/^pgflow-ts: loading flow\.ts needs typescript 5 or 6 \(found 7\.0\.2, which has no transpile API\)/);
    expect(seven.stderr.split('\n')).toHaveLength(2);
  });
});
