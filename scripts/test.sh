#!/usr/bin/env bash
# The suite runner: scripts/test.sh all|pgtap|isolation|upgrade|restore|pgtle|citus|docker|load|faults|ts|installcheck
# on the PostgreSQL versions PGFLOW_TEST_VERSIONS names (default: `scripts/servers.sh versions`,
# 15 16 17 18; `make test PG=17` runs one):
#   15  Debian's, with pg_cron and plpgsql_check: the throwaway cluster (make db) and
#       the extension make install put there; pgTAP, isolation specs, upgrade, restore,
#       pg_tle and Citus (where installed), load, faults, TypeScript (vitest, tsd, typecheck)
#   16, 17, 18  scripts/servers.sh's trees: a cluster of its own each (port 25400 + major,
#       or PGFLOW_PORT_BASE + major; data in .pg/data-<major>, or PGFLOW_VERSION_DATA-<major>),
#       started and stopped here, with this build of pgflow copied into its tree; pgTAP and
#       upgrade, and on the newest one vitest's database tests
# Tests that need pg_cron or plpgsql_check count as skipped where the server lacks them
# (tests-helpers/pgtap.sh). installcheck runs pgTAP and the isolation specs against the
# installed server the PG* environment names: it installs and starts nothing.
# With PGFLOW_TEST_JOBS=2 (the default) `all` runs 16-18, one after the other, alongside 15
# (each suite is mostly one connection at a time); their output follows 15's.
# Prints a line per version ("PostgreSQL 17.10: N passed, N failed, N skipped"); the last
# line is "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-all}
if [ "$MODE" != installcheck ]; then
  export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}
fi
PORT15=${PGPORT:-}
VERSIONS=${PGFLOW_TEST_VERSIONS:-$(scripts/servers.sh versions)}
NEWEST=$(scripts/servers.sh versions | tr ' ' '\n' | tail -n1)
PORT_BASE=${PGFLOW_PORT_BASE:-25400}

LOG_DIR=$(mktemp -d)
# Each run works in its own databases, so that runs side by side don't collide.
RUN_TAG=$$
DBS="pgflow_test_$RUN_TAG pgflow_isolation_$RUN_TAG"
drop_dbs() { for db in $DBS; do psql -X -q -d postgres -c "drop database if exists $db with (force)" >/dev/null 2>&1; done; }
V=""          # the version under test
STARTED=""    # a version cluster this run started
cleanup() {
  [ -n "$V" ] && drop_dbs
  [ -n "$STARTED" ] && stop_cluster "$STARTED"
  rm -rf "$LOG_DIR"
}
trap cleanup EXIT

# Tallies per group: a server's version (e.g. "17.10") or "no server".
declare -A GP GF GS
GROUPS_SEEN=()
GROUP="no server"
tally() { # suite passed failed [skipped]
  local s=${4:-0}
  [ -n "${GP[$GROUP]+x}" ] || { GROUPS_SEEN+=("$GROUP"); GP[$GROUP]=0; GF[$GROUP]=0; GS[$GROUP]=0; }
  GP[$GROUP]=$((GP[$GROUP] + $2)); GF[$GROUP]=$((GF[$GROUP] + $3)); GS[$GROUP]=$((GS[$GROUP] + s))
  if [ "$s" -gt 0 ]; then printf '== %s: %s passed, %s failed, %s skipped\n' "$1" "$2" "$3" "$s"
  else printf '== %s: %s passed, %s failed\n' "$1" "$2" "$3"; fi
}

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# A fresh database with the extension, the test tools and the suite's helpers in it.
fresh_db() {
  psql_q -d postgres -c "drop database if exists $1 with (force)" -c "create database $1" >/dev/null
  psql_q -d "$1" -c "create extension pgflow cascade" >/dev/null || return 1
  tests-helpers/pgtap.sh prepare "$1" >/dev/null
}

# The pg_cron tests work in the database pg_cron runs its jobs in (postgres):
# give it this build of pgflow (an unreleased version keeps its number while
# it changes, so ALTER EXTENSION UPDATE would not refresh it).
refresh_cron_db() {
  [ "$MODE" = installcheck ] && return 0   # the packager's server: leave its postgres database alone
  psql_q -d postgres -c "drop extension if exists pgflow cascade" -c "create extension pgflow cascade" >/dev/null 2>&1
}

suite_pgtap() {
  echo "== pgTAP on PostgreSQL $GROUP (tests-helpers/pgtap.sh: pg_prove tests-pgtap/)"
  fresh_db pgflow_test_$RUN_TAG || { tally pgTAP 0 1; return; }
  refresh_cron_db
  # pgflow_test stays behind on 15 for running single files by hand (when nobody uses it).
  if [ "$V" = 15 ] && psql_q -d postgres -c "drop database if exists pgflow_test" >/dev/null 2>&1; then fresh_db pgflow_test; fi
  local out="$LOG_DIR/pgtap.out" line
  tests-helpers/pgtap.sh run pgflow_test_$RUN_TAG >"$out" 2>&1
  cat "$out"
  line=$(tail -n1 "$out")
  if [[ $line =~ ^pgTAP:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    tally pgTAP "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
  else
    tally pgTAP 0 1
  fi
}

suite_isolation() {
  echo "== isolation specs on PostgreSQL $GROUP (pg_isolation_regress tests-isolation/)"
  local specs regress bindir out ok failed n
  specs=$(cd tests-isolation/specs 2>/dev/null && ls *.spec 2>/dev/null | sed 's/\.spec$//')
  if [ -z "$specs" ]; then tally isolation 0 0; return; fi
  n=$(echo "$specs" | wc -w)
  regress="$(pg_config --pkglibdir)/pgxs/src/test/isolation/pg_isolation_regress"
  if [ ! -x "$regress" ]; then
    echo "skip tests-isolation/: $n specs, needs pg_isolation_regress (PGXS, $regress)"
    tally isolation 0 0 "$n"; return
  fi
  bindir="$(dirname "$regress")"
  fresh_db pgflow_isolation_$RUN_TAG || { tally isolation 0 "$n"; return; }
  out="$LOG_DIR/isolation.out"
  rm -rf output_iso
  "$regress" --use-existing --host="${PGHOST:-}" --port="${PGPORT:-5432}" --user="${PGUSER:-$(id -un)}" \
    --dbname=pgflow_isolation_$RUN_TAG --bindir="$bindir" --inputdir=tests-isolation --outputdir=output_iso $specs >"$out" 2>&1
  ok=$(grep -cE '^(ok|test) .* ok( |$)|^ok [0-9]+' "$out")
  # a spec that did not run (no expected output, a crash) counts as failed too
  failed=$((n - ok))
  grep -E '^(ok|not ok|test )' "$out" || true
  if [ "$failed" -ne 0 ]; then head -n 100 output_iso/regression.diffs 2>/dev/null; fi
  tally isolation "$ok" "$failed"
}

# A script that prints "ok N - ..." / "not ok N - ..." lines ("ok N - ... # SKIP why" is skipped): name, title, command...
tap_suite() {
  local name=$1 title=$2 out="$LOG_DIR/$1.out"; shift 2
  if [ "$GROUP" = "no server" ]; then echo "== $name ($title)"; else echo "== $name on PostgreSQL $GROUP ($title)"; fi
  "$@" >"$out" 2>&1
  grep -v '^NOTICE' "$out"
  # a script that died before its last check counts as one failure more
  local bad skipped; bad=$(grep -c '^not ok ' "$out")
  grep -q '^ok \|^not ok ' "$out" || bad=$((bad + 1))
  skipped=$(grep -ciE '^ok .*# skip' "$out")
  tally "$name" "$(( $(grep -c '^ok ' "$out") - skipped ))" "$bad" "$skipped"
}

suite_upgrade() { tap_suite upgrade "tests-upgrade/upgrade-test.sh: every release upgraded and compared with a fresh install" tests-upgrade/upgrade-test.sh; }
suite_restore() { tap_suite restore "tests-restore/dump-restore-test.sh: pg_dump, then pg_restore -j 4, with runs in flight" tests-restore/dump-restore-test.sh; }
# Where pg_tle is installed for the server; else one skipped check that says why.
suite_pgtle()   { tap_suite pgtle "tests-pgtle/pgtle-test.sh: install and upgrade through pg_tle on a server without pgflow's files" tests-pgtle/pgtle-test.sh; }
# Where Citus is installed for the server; else one skipped check that says why.
suite_citus()   { tap_suite citus "tests-citus/citus-test.sh: a coordinator and two workers, pgflow.distribute()" tests-citus/citus-test.sh; }
suite_load()    { tap_suite load "tests-stress/load-test.sh ${LOAD_RUNS:-200} runs, 8 workers" tests-stress/load-test.sh "${LOAD_RUNS:-200}" 8; }
suite_faults()  { tap_suite faults "tests-stress/fault-test.sh: restarts under 200 runs, on a cluster of its own" tests-stress/fault-test.sh 100; }
suite_docker()  {
  local g=$GROUP; GROUP="no server"
  tap_suite docker "tests-docker/dockerfile-lint.sh: no Docker engine here, so it is read, not built" tests-docker/dockerfile-lint.sh
  GROUP=$g
}

run_vitest() { # label, vitest arguments...: one tally
  local label=$1 json="$LOG_DIR/vitest.json" passed failed; shift
  rm -f "$json"
  (cd client-ts && npx vitest run --reporter=default --reporter=json --outputFile="$json" "$@")
  passed=$(node -e "const r=require('$json');console.log(r.numPassedTests)" 2>/dev/null || echo 0)
  failed=$(node -e "const r=require('$json');console.log(r.numFailedTests || (r.success ? 0 : 1))" 2>/dev/null || echo 1)
  tally "$label" "$passed" "$failed"
}

suite_ts() {
  if [ ! -f client-ts/package.json ]; then tally ts 0 0; return; fi
  (cd client-ts && npm run -s build >"$LOG_DIR/build.out" 2>&1) || { cat "$LOG_DIR/build.out"; tally build 0 1; return; }
  if [ "$V" != 15 ]; then
    # The database tests again, on the newest version.
    echo "== TypeScript database tests on PostgreSQL $GROUP (vitest test/db)"
    run_vitest "vitest test/db" test/db
    return
  fi
  echo "== TypeScript on PostgreSQL $GROUP (vitest, tsd, typecheck)"
  run_vitest vitest
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

# --- a version's cluster ------------------------------------------------------------
cluster_env() { # major: the environment db.sh needs for it
  echo "PGFLOW_PG=$1 PGFLOW_PORT=$((PORT_BASE + $1)) PGFLOW_DATA=${PGFLOW_VERSION_DATA:+$PGFLOW_VERSION_DATA-$1}"
}
stop_cluster() { env $(cluster_env "$1") scripts/db.sh stop >/dev/null 2>&1; STARTED=""; }

start_version() { # major; sets V, GROUP and PGPORT, or fails
  V=$1
  if [ "$V" = 15 ]; then
    export PGPORT=$PORT15
    psql_q -d postgres -c "select 1" >/dev/null 2>&1 || { echo "the throwaway cluster is not running: make db"; return 1; }
  else
    local lock; lock="$(scripts/servers.sh bindir "$V")/../.lock"
    [ -f "$lock" ] || touch "$lock" 2>/dev/null
    # One run at a time uses a version's cluster: a second one waits here.
    exec 9>"$lock" && flock 9
    env $(cluster_env "$V") scripts/db.sh start >/dev/null || return 1
    STARTED=$V
    scripts/servers.sh install-pgflow "$V" || return 1
    export PGPORT=$((PORT_BASE + V))
  fi
  GROUP=$(psql -X -At -d postgres -c "select split_part(current_setting('server_version'), ' ', 1)" 2>/dev/null)
  [ -n "$GROUP" ] || GROUP="$V (not reachable)"
}

stop_version() {
  drop_dbs
  if [ "$V" != 15 ]; then stop_cluster "$V"; exec 9>&-; fi
  V=""
}

# suites MODE MAJOR: what MODE runs on that version
suites() {
  case "$1:$2" in
    all:15)   echo pgtap isolation upgrade restore pgtle citus load faults ts ;;
    all:$NEWEST) echo pgtap upgrade ts ;;
    all:*)    echo pgtap upgrade ;;
    pgtap:*|upgrade:*) echo "$1" ;;
    ts:15|ts:$NEWEST) echo ts ;;
    *:15)     echo "$1" ;;
    *) ;;
  esac
}

run_versions() {
  local mode=$1 v list
  for v in $VERSIONS; do
    list=$(suites "$mode" "$v")
    if [ -z "$list" ]; then echo "== $mode: not run on PostgreSQL $v (it runs on 15$([ "$mode" = ts ] && echo " and $NEWEST"))"; continue; fi
    if ! start_version "$v"; then GROUP="$v (did not start)"; tally "PostgreSQL $v" 0 1; stop_version; continue; fi
    for s in $list; do "suite_$s"; done
    stop_version
  done
}

# The lines "PostgreSQL X: N passed, N failed, N skipped" after "== summary" in a file: into the tallies.
merge_summary() {
  local line re='^PostgreSQL ([^:]+): ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$' merged=0
  while IFS= read -r line; do
    if [[ $line =~ $re ]]; then
      GROUP=${BASH_REMATCH[1]}
      tally "PostgreSQL $GROUP" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}" >/dev/null
      merged=1
    fi
  done < <(sed -n '/^== summary$/,$p' "$1")
  [ $merged = 1 ]
}

case "$MODE" in
  all)
    others=$(for v in $VERSIONS; do [ "$v" = 15 ] || echo "$v"; done | xargs)
    if [ "${PGFLOW_TEST_JOBS:-2}" -ge 2 ] && [ -n "$others" ] && [ "$others" != "$VERSIONS" ]; then
      echo "== PostgreSQL $others: running alongside 15, output below"
      PGFLOW_TEST_JOBS=1 PGFLOW_TEST_VERSIONS="$others" scripts/test.sh versions >"$LOG_DIR/lane.out" 2>&1 &
      lane=$!
      VERSIONS=15 run_versions all
      suite_docker
      wait $lane
      echo "== PostgreSQL $others (run alongside 15)"
      sed '/^== summary$/,$d' "$LOG_DIR/lane.out"
      merge_summary "$LOG_DIR/lane.out" || { GROUP="$others (no summary)"; tally "PostgreSQL $others" 0 1; }
    else
      run_versions all; suite_docker
    fi ;;
  versions) run_versions all ;;
  pgtap|isolation|upgrade|restore|pgtle|citus|load|faults|ts) run_versions "$MODE" ;;
  docker) suite_docker ;;
  installcheck)
    # The installed server, as it is: its own database, dropped at the end.
    DBS="pgflow_installcheck_$RUN_TAG pgflow_isolation_$RUN_TAG"
    V=installed
    GROUP=$(psql -X -At -d postgres -c "select split_part(current_setting('server_version'), ' ', 1)") || { echo "no server: set PGHOST, PGPORT, PGUSER"; exit 1; }
    command -v pg_prove >/dev/null || { echo "pg_prove is missing (libtap-parser-sourcehandler-pgtap-perl)"; exit 1; }
    echo "== pgTAP on PostgreSQL $GROUP (tests-helpers/pgtap.sh: pg_prove tests-pgtap/)"
    if fresh_db pgflow_installcheck_$RUN_TAG; then
      tests-helpers/pgtap.sh run pgflow_installcheck_$RUN_TAG >"$LOG_DIR/pgtap.out" 2>&1
      cat "$LOG_DIR/pgtap.out"
      line=$(tail -n1 "$LOG_DIR/pgtap.out")
      if [[ $line =~ ^pgTAP:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
        tally pgTAP "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
      else tally pgTAP 0 1; fi
    else
      echo "could not create pgflow, pgTAP and the helpers in a new database (are pgmq, pgTAP and pgflow installed?)"
      tally pgTAP 0 1
    fi
    suite_isolation
    drop_dbs; V="" ;;
  *) echo "usage: $0 all|pgtap|isolation|upgrade|restore|pgtle|citus|docker|load|faults|ts|installcheck" >&2; exit 2 ;;
esac

echo "== summary"
P=0 F=0 S=0
for g in "${GROUPS_SEEN[@]}"; do [ "$g" = "no server" ] || echo "$g"; done > "$LOG_DIR/groups"
[ -z "${GP[no server]+x}" ] || echo "no server" >> "$LOG_DIR/groups"
while IFS= read -r g; do
  case "$g" in "no server") label="no server (Dockerfile lint)" ;; *) label="PostgreSQL $g" ;; esac
  printf '%s: %s passed, %s failed, %s skipped\n' "$label" "${GP[$g]}" "${GF[$g]}" "${GS[$g]}"
  P=$((P + GP[$g])); F=$((F + GF[$g])); S=$((S + GS[$g]))
done < "$LOG_DIR/groups"
echo "$P passed, $F failed, $S skipped"
[ "$F" -eq 0 ] && [ "$P" -gt 0 ]
