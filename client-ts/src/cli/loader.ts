// Node module hooks that let the CLI import TypeScript flow files without a
// build step: `.ts`/`.mts` files are transpiled (types stripped, ESM out) with
// the `typescript` package, and a relative `./x.js` import resolves to `./x.ts`
// when only the TypeScript source exists (the NodeNext import convention).
// Registered by cli/main.ts with module.register(); runs on the loader thread.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { LoadHook, ResolveHook } from 'node:module';
import { fileURLToPath } from 'node:url';

const TS_FILE = /\.m?ts$/;
const DECLARATION_FILE = /\.d\.m?ts$/;

type TypeScript = typeof import('typescript');
let typescript: Promise<TypeScript> | undefined;

function loadTypeScript(): Promise<TypeScript> {
  typescript ??= import('typescript').then(
    (m) => (m as { default?: TypeScript }).default ?? m,
    () => {
      throw new Error('loading a .ts flow file needs the "typescript" package: npm install --save-dev typescript');
    },
  );
  return typescript;
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('file:');
  if (relative && context.parentURL?.startsWith('file:') && /\.m?js$/.test(specifier)) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) {
      const tsUrl = new URL(url.href.replace(/js$/, 'ts'));
      if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
};

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  if (!TS_FILE.test(path) || DECLARATION_FILE.test(path)) return nextLoad(url, context);
  const ts = await loadTypeScript();
  if (typeof ts.transpileModule !== 'function') {
    throw new Error(`loading ${path} needs typescript 5 or 6 (typescript ${ts.version ?? '7+'} has no transpileModule): npm install --save-dev typescript@6`);
  }
  const source = await readFile(path, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      // Keep `import { type X }` elision working on a per-file basis.
      verbatimModuleSyntax: false,
      isolatedModules: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
};
