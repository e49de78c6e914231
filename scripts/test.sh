#!/usr/bin/env bash
# Runs the checks against the throwaway cluster (make db) and the installed
# extension (make install): scripts/test.sh all|pgtap|isolation|upgrade|restore|docker|load|faults|ts
# Every suite adds to one tally; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}

PASSED=0
FAILED=0
LOG_DIR=$(mktemp -d)
# Each run works in its own databases, so that runs side by side don't collide.
RUN_TAG=$$
cleanup() {
  rm -rf "$LOG_DIR"
  for db in pgflow_test_$RUN_TAG pgflow_isolation_$RUN_TAG; do
    psql -X -q -d postgres -c "drop database if exists $db with (force)" >/dev/null 2>&1
  done
}
trap cleanup EXIT

tally() { # suite passed failed
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3))
  printf '== %s: %s passed, %s failed\n' "$1" "$2" "$3"
}

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# A fresh database with the extension and the test tools in it.
fresh_db() {
  psql_q -d postgres -c "select 1" >/dev/null || { echo "the throwaway cluster is not running: make db"; exit 1; }
  psql_q -d postgres -c "drop database if exists $1 with (force)" -c "create database $1" >/dev/null
  psql_q -d "$1" -c "create extension pgflow cascade" -c "create extension pgtap" \
    -c "create extension plpgsql_check" -c "create extension dblink" >/dev/null
  psql_q -d "$1" -f scripts/test-helpers.sql >/dev/null
}

# The pg_cron tests work in the database pg_cron runs its jobs in (postgres):
# give it this build of pgflow (an unreleased version keeps its number while
# it changes, so ALTER EXTENSION UPDATE would not refresh it).
refresh_cron_db() {
  psql_q -d postgres -c "drop extension if exists pgflow cascade" -c "create extension pgflow cascade" >/dev/null 2>&1
}

suite_pgtap() {
  echo "== pgTAP (pg_prove tests-pgtap/)"
  fresh_db pgflow_test_$RUN_TAG
  refresh_cron_db
  # pgflow_test stays behind for running single files by hand (when nobody uses it).
  if psql_q -d postgres -c "drop database if exists pgflow_test" >/dev/null 2>&1; then fresh_db pgflow_test; fi
  local out="$LOG_DIR/pgtap.out" ok notok rc
  PGDATABASE=pgflow_test_$RUN_TAG pg_prove --ext .sql -r -v tests-pgtap/ >"$out" 2>&1
  rc=$?
  ok=$(grep -cE '^ok [0-9]+' "$out")
  notok=$(grep -cE '^not ok [0-9]+' "$out")
  if [ "$rc" -ne 0 ] || [ "$notok" -ne 0 ]; then
    grep -E '^(not ok|#|.*\.sql \.\.)' "$out" | grep -vE '^ok' | grep -B1 -A4 -E 'not ok|Dubious|Bad plan|ERROR|Parse' | head -80
    tail -n 25 "$out"
    [ "$notok" -eq 0 ] && notok=1   # a file that died without a failing assertion
  else
    tail -n 3 "$out"
  fi
  tally pgTAP "$ok" "$notok"
}

suite_isolation() {
  echo "== isolation specs (pg_isolation_regress tests-isolation/)"
  local specs regress bindir out ok failed
  specs=$(cd tests-isolation/specs 2>/dev/null && ls *.spec 2>/dev/null | sed 's/\.spec$//')
  if [ -z "$specs" ]; then tally isolation 0 0; return; fi
  fresh_db pgflow_isolation_$RUN_TAG
  regress="$(pg_config --pkglibdir)/pgxs/src/test/isolation/pg_isolation_regress"
  bindir="$(dirname "$regress")"
  out="$LOG_DIR/isolation.out"
  "$regress" --use-existing --host="$PGHOST" --port="$PGPORT" --user="$PGUSER" --dbname=pgflow_isolation_$RUN_TAG \
    --bindir="$bindir" --inputdir=tests-isolation --outputdir=output_iso $specs >"$out" 2>&1
  ok=$(grep -cE '^(ok|test) .* ok( |$)|^ok [0-9]+' "$out")
  # a spec that did not run (no expected output, a crash) counts as failed too
  failed=$(( $(echo "$specs" | wc -w) - ok ))
  cat "$out" | grep -E '^(ok|not ok|test )' || true
  if [ "$failed" -ne 0 ]; then cat output_iso/regression.diffs 2>/dev/null | head -100; fi
  tally isolation "$ok" "$failed"
}

# A script that prints "ok N - ..." / "not ok N - ..." lines: name, title, command...
tap_suite() {
  local name=$1 title=$2 out="$LOG_DIR/$1.out"; shift 2
  echo "== $name ($title)"
  "$@" >"$out" 2>&1
  grep -v '^NOTICE' "$out"
  # a script that died before its last check counts as one failure more
  local bad; bad=$(grep -c '^not ok ' "$out")
  grep -q '^ok \|^not ok ' "$out" || bad=$((bad + 1))
  tally "$name" "$(grep -c '^ok ' "$out")" "$bad"
}

suite_upgrade() { tap_suite upgrade "release checks, scripts/upgrade-test.sh" scripts/upgrade-test.sh; }
suite_restore() { tap_suite restore "scripts/dump-restore-test.sh: pg_dump, then pg_restore -j 4, with runs in flight" scripts/dump-restore-test.sh; }
suite_docker()  { tap_suite docker "scripts/dockerfile-lint.sh: no Docker engine here, so it is read, not built" scripts/dockerfile-lint.sh; }
suite_load()    { tap_suite load "scripts/load-test.sh ${LOAD_RUNS:-200} runs, 8 workers" scripts/load-test.sh "${LOAD_RUNS:-200}" 8; }
suite_faults()  { tap_suite faults "scripts/fault-test.sh: restarts under 200 runs, on a cluster of its own" scripts/fault-test.sh 100; }

suite_ts() {
  echo "== TypeScript (vitest, tsd, typecheck)"
  if [ ! -f client-ts/package.json ]; then tally ts 0 0; return; fi
  local json="$LOG_DIR/vitest.json" passed failed
  (cd client-ts && npm run -s build >"$LOG_DIR/build.out" 2>&1) || { cat "$LOG_DIR/build.out"; tally build 0 1; return; }
  (cd client-ts && npx vitest run --reporter=default --reporter=json --outputFile="$json")
  passed=$(node -e "const r=require('$json');console.log(r.numPassedTests)" 2>/dev/null || echo 0)
  failed=$(node -e "const r=require('$json');console.log(r.numFailedTests || (r.success ? 0 : 1))" 2>/dev/null || echo 1)
  tally vitest "$passed" "$failed"
  local n
  n=$(ls client-ts/test-d/*.test-d.ts 2>/dev/null | wc -l)
  if (cd client-ts && npx tsd); then tally tsd "$n" 0; else tally tsd 0 "$n"; fi
  # The whole package (src, test, examples) against the build above: vitest
  # does not type-check and tsd only reads test-d. One check.
  if (cd client-ts && npx tsc --noEmit -p tsconfig.json >"$LOG_DIR/typecheck.out" 2>&1); then
    tally typecheck 1 0
  else
    cat "$LOG_DIR/typecheck.out"; tally typecheck 0 1
  fi
}

case "${1:-all}" in
  all)       suite_pgtap; suite_isolation; suite_upgrade; suite_restore; suite_docker; suite_load; suite_faults; suite_ts ;;
  restore)   suite_restore ;;
  docker)    suite_docker ;;
  faults)    suite_faults ;;
  load)      suite_load ;;
  pgtap)     suite_pgtap ;;
  isolation) suite_isolation ;;
  upgrade)   suite_upgrade ;;
  ts)        suite_ts ;;
  *) echo "usage: $0 all|pgtap|isolation|upgrade|restore|docker|load|faults|ts" >&2; exit 2 ;;
esac

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
