import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Builds dist/ once so the CLI tests run what `npx pgflow-ts` runs.
export default function setup(): void {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd,
    stdio: 'inherit',
  });
  // What `npm run build` does after tsc (test/package.test.ts checks the shipped .d.ts).
  execFileSync(process.execPath, ['build-dist.mjs'], { cwd, stdio: 'inherit' });
}
