// The package as an app gets it: the built .d.ts type-check in a consumer's
// strict project without skipLibCheck, at TypeScript's default target, with
// postgres 3.x and with the newest postgres (devDependency postgres-next);
// require() fails with a clear message. No database.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CONSUMER = `import postgres from 'postgres';
import { Flow, startFlow, startWorker, type FlowOutput, type PinoLikeLogger } from 'pgflow-ts';

export const greet = new Flow<{ name: string }>({ slug: 'greet' })
  .step({ slug: 'hello' }, (input) => \`hello \${input.run.name}\`)
  .step({ slug: 'shout', dependsOn: ['hello'] }, (input) => ({ text: input.hello.toUpperCase() }));

declare const pino: PinoLikeLogger;

export async function main(): Promise<string> {
  const sql = postgres({ max: 2 });
  const worker = await startWorker({ sql, flows: [greet], log: pino, handleSignals: false });
  const run = await startFlow(sql, greet, { name: 'ada' });
  const output: FlowOutput<typeof greet> = await run.wait({ timeoutMs: 10_000 });
  await worker.stop();
  await sql.end();
  return output.shout.text;
}
`;

/** A project with the built package and `driver` installed as postgres. */
function consumer(driver: 'postgres' | 'postgres-next', compilerOptions: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgflow-ts-consumer-'));
  dirs.push(dir);
  const pkg = join(dir, 'node_modules/pgflow-ts');
  mkdirSync(pkg, { recursive: true });
  for (const f of ['dist', 'src', 'package.json']) cpSync(join(root, f), join(pkg, f), { recursive: true });
  symlinkSync(join(root, 'node_modules', driver), join(dir, 'node_modules/postgres'));
  // the package's own dependencies, as npm would install them beside it
  mkdirSync(join(dir, 'node_modules/@standard-schema'));
  symlinkSync(join(root, 'node_modules/@standard-schema/spec'), join(dir, 'node_modules/@standard-schema/spec'));
  mkdirSync(join(dir, 'node_modules/@types'));
  symlinkSync(join(root, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'));
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, ...compilerOptions }, files: ['app.ts'] }));
  writeFileSync(join(dir, 'app.ts'), CONSUMER);
  return dir;
}

describe('the built package in a consumer project (no skipLibCheck)', () => {
  it.each([
    ['postgres', { module: 'nodenext' }],
    ['postgres', { module: 'preserve', moduleResolution: 'bundler' }], // default target: ES5 here
    ['postgres-next', { module: 'nodenext' }],
    ['postgres-next', { module: 'preserve', moduleResolution: 'bundler' }],
  ] as const)('type-checks with %s and %j', { timeout: 60_000 }, (driver, options) => {
    const dir = consumer(driver, options);
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a mistake in the consumer is still an error (the check does check)', { timeout: 60_000 }, () => {
    const dir = consumer('postgres', { module: 'nodenext' });
    writeFileSync(join(dir, 'app.ts'), CONSUMER.replace("{ name: 'ada' }", '{ nome: 1 }'));
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/app\.ts\(\d+,\d+\): error TS2353/);
  });

  it('require() fails with a message that says ESM only', () => {
    const dir = consumer('postgres', {});
    const r = spawnSync(process.execPath, ['-e', "require('pgflow-ts')"], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('pgflow-ts is an ES module only package and cannot be loaded with require()');
    const sub = spawnSync(process.execPath, ['-e', "require('pgflow-ts/register')"], { cwd: dir, encoding: 'utf8' });
    expect(sub.stderr).toContain('ES module only');
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e', "import('pgflow-ts').then((m) => console.log(typeof m.Flow))"], { cwd: dir, encoding: 'utf8' });
    expect(esm.stdout).toBe('function\n');
  });
});
