#!/usr/bin/env bash
# The diamond flow (client-ts/examples/diamond.ts) end to end with the
# TypeScript worker, on the throwaway cluster (make db) and the installed
# extension (make install): `make demo` runs it after both.
set -euo pipefail
cd "$(dirname "$0")/../client-ts"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}

# dist/ is what `import ... from 'pgflow'` resolves to; examples/ are not part of
# the build, so they run from source through the CLI's TypeScript loader.
npm run -s build
register='import { register } from "node:module"; import { pathToFileURL } from "node:url"; register("./dist/cli/loader.js", pathToFileURL("./"));'
exec node --import "data:text/javascript,$(node -p 'encodeURIComponent(process.argv[1])' "$register")" examples/demo.ts
