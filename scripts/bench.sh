#!/usr/bin/env bash
# Benchmark: our extension against upstream pgflow (@pgflow/core 0.8.1) on the
# throwaway cluster; prints one table, writes bench-results/<timestamp>.json.
#   scripts/bench.sh               full run (about 3-4 minutes)
#   BENCH_SCALE=0.2 scripts/bench.sh   smoke run
#   BENCH_ONLY=lat scripts/bench.sh    the TypeScript worker's wake-up latency alone (client-ts/bench/latency.mjs)
# Upstream's SQL migrations are fetched with `npm pack` into a cache directory
# outside the repository (never a dependency of the project, never committed).
# If that fails, the bench says "upstream: unavailable (<reason>)" and still
# measures ours.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}
if [ -z "${PGBENCH:-}" ]; then
  PGBENCH=$( (command -v pg_config >/dev/null && echo "$(pg_config --bindir)/pgbench") || command -v pgbench || echo pgbench)
fi
export PGBENCH

[ -d client-ts/node_modules/postgres ] || [ -n "${BENCH_POSTGRES_MODULE:-}" ] || {
  echo "bench: client-ts/node_modules/postgres is missing: run 'make deps'" >&2; exit 2; }

UP_PKG=@pgflow/core
UP_VER=0.8.1
UP_DIR=${BENCH_UPSTREAM_DIR:-${TMPDIR:-/tmp}/pgflow-bench-upstream-$UP_VER}
find_migrations() {
  find "$UP_DIR/package" -type f -name '*.sql' -path '*migrations*' -printf '%h\n' 2>/dev/null | sort -u | head -n 1
}
MIG=$(find_migrations || true)
if [ -z "$MIG" ]; then
  rm -rf "$UP_DIR"
  mkdir -p "$UP_DIR"
  if out=$(cd "$UP_DIR" && npm pack --loglevel=error "$UP_PKG@$UP_VER" 2>&1) \
     && tar -xzf "$UP_DIR"/*.tgz -C "$UP_DIR" 2>/dev/null; then
    MIG=$(find_migrations || true)
    [ -n "$MIG" ] || export BENCH_UPSTREAM_UNAVAILABLE="no SQL migrations found in $UP_PKG@$UP_VER"
  else
    export BENCH_UPSTREAM_UNAVAILABLE="npm pack $UP_PKG@$UP_VER failed: $(printf '%s\n' "$out" | grep -m1 -E 'npm (error|ERR!) (code|errno|network|request)' | cut -c1-200)"
  fi
fi
if [ -n "$MIG" ]; then export BENCH_UPSTREAM_MIGRATIONS="$MIG"; fi

# Which sources the installed extension was built from (make bench installs first).
BENCH_GIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- sql 2>/dev/null || echo +uncommitted-sql)"
export BENCH_GIT

# Metrics workload: a million tasks written with SQL, each dashboard query timed.
scripts/bench-metrics.sh

# W5 runs the package's own worker: build it (dist/ is git-ignored).
(cd client-ts && npm run --silent build) >/dev/null || { echo "bench: building client-ts failed" >&2; exit 2; }
exec node client-ts/bench/bench.mjs
