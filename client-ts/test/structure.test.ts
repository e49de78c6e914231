// The shape of src/ that the code relies on staying small and acyclic.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, f));
const source = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

/** The src files a file imports, type-only imports and import('...') types included. */
function importsOf(file: string): string[] {
  const specs = [...source.get(file)!.matchAll(/(?:from\s+|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

it('src has no import cycle', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const dep of importsOf(file)) if (source.has(dep)) visit(dep, [...path, file]);
    state.set(file, 'done');
  };
  for (const f of files) visit(f, []);
  expect(cycles).toEqual([]);
});

it('AnyFlow is declared once, in dsl/flow.ts', () => {
  const declaring = files.filter((f) => /\btype AnyFlow\s*=/.test(source.get(f)!)).map((f) => relative(SRC, f));
  expect(declaring).toEqual([join('dsl', 'flow.ts')]);
});

it('no module of the worker is over 250 lines', () => {
  const long = files
    .filter((f) => relative(SRC, f).startsWith('worker'))
    .map((f) => [relative(SRC, f), source.get(f)!.split('\n').length] as const)
    .filter(([, lines]) => lines > 250);
  expect(long).toEqual([]);
});
