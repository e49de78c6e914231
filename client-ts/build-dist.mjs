// After tsc: makes dist/ ready to ship. Run by `npm run build` (and so by prepack).
// The CLI is executable. (Classes use TypeScript's `private`, not `#private`:
// a `#private;` in a .d.ts fails a consumer's compiler at TypeScript's default
// target unless it sets skipLibCheck; test/package.test.ts checks that.)
import { chmodSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('./dist/', import.meta.url).pathname;
chmodSync(join(dist, 'cli/main.js'), 0o755);
