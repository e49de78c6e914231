#!/usr/bin/env bash
# The diamond flow (client-ts/examples/diamond.ts) end to end with the
# TypeScript worker, on the throwaway cluster (make db) and the installed
# extension (make install): `make demo` runs it after both.
set -euo pipefail
cd "$(dirname "$0")/../client-ts"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}

# dist/ is what `import ... from 'pgflow-ts'` resolves to; the example runs from
# its TypeScript source through the package's loader (pgflow-ts/register).
npm run -s build
exec node --import pgflow-ts/register examples/demo.ts
