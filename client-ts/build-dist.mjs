// After tsc: makes dist/ ready to ship. Run by `npm run build` (and so by prepack).
// The CLI is executable. (Classes use TypeScript's `private`, not `#private`:
// a `#private;` in a .d.ts fails a consumer's compiler at TypeScript's default
// target unless it sets skipLibCheck; test/package.test.ts checks that.)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('./dist/', import.meta.url).pathname;
chmodSync(join(dist, 'cli/main.js'), 0o755);

// The pg_tle script (`pgflow-ts db install` on servers without pgflow's files):
// built from the repository by `make pgtle` and shipped in dist/pgtle/. Outside
// the repository (an unpacked tarball) there is nothing to build: it is there.
const repo = new URL('../', import.meta.url).pathname;
if (existsSync(join(repo, 'pgflow.control')) && existsSync(join(repo, 'Makefile'))) {
  execFileSync('make', ['--no-print-directory', '-s', '-C', repo, 'pgtle'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const version = /^default_version = '(.*)'/m.exec(readFileSync(join(repo, 'pgflow.control'), 'utf8'))[1];
  const pgtle = join(dist, 'pgtle');
  rmSync(pgtle, { recursive: true, force: true });
  mkdirSync(pgtle);
  copyFileSync(join(repo, `pgflow--${version}.pgtle.sql`), join(pgtle, `pgflow--${version}.pgtle.sql`));
}
