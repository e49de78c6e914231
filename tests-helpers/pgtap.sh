#!/usr/bin/env bash
# The pgTAP suite (tests-pgtap/) with pg_prove, on a database the PG* environment reaches.
#   tests-helpers/pgtap.sh prepare DB   pgTAP, dblink and plpgsql_check (where the server has
#                                       them) and the suite's helpers (pgflow_tests.sql) in DB,
#                                       which already has pgflow
#   tests-helpers/pgtap.sh run DB [-v]  every file of tests-pgtap/ on DB
# A file that needs what the server lacks is skipped, visibly: a "skip" line
# names it and why, and its plan(N) counts as N skipped tests. It needs
#   pg_cron        if it calls pgflow_tests.cron_connect() (pg_cron preloaded, run in database postgres)
#   plpgsql_check  if it calls plpgsql_check_function
#   dblink         if it uses dblink (cron_connect() does too)
# The last line is "pgTAP: N passed, N failed, N skipped"; the exit status is 0 when nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-}; db=${2:-}
[ -n "$db" ] || { echo "usage: $0 prepare|run DB [-v]" >&2; exit 2; }
q() { psql -X -At -d "$db" -c "$1"; }
available() { [ "$(q "select count(*) from pg_available_extensions where name = '$1'")" = 1 ]; }

case "$cmd" in
  prepare)
    exts=(pgtap)
    for e in plpgsql_check dblink; do available "$e" && exts+=("$e"); done
    for e in "${exts[@]}"; do psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "create extension if not exists $e" || exit 1; done
    exec psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f tests-helpers/pgflow_tests.sql >/dev/null ;;
  run) ;;
  *) echo "usage: $0 prepare|run DB [-v]" >&2; exit 2 ;;
esac
verbose=${3:-}

missing=()
available dblink || missing+=(dblink)
available plpgsql_check || missing+=(plpgsql_check)
[ "$(q "select count(*) from pg_available_extensions where name = 'pg_cron'
          and current_setting('shared_preload_libraries') ~ '(^|[ ,])pg_cron($|[ ,])'
          and coalesce(current_setting('cron.database_name', true), 'postgres') = 'postgres'")" = 1 ] || missing+=(pg_cron)
needs() { # file: what it needs, one a line
  grep -q 'pgflow_tests\.cron_connect' "$1" && echo pg_cron
  grep -q 'plpgsql_check_function' "$1" && echo plpgsql_check
  grep -qE 'dblink|cron_connect' "$1" && echo dblink
  return 0
}

run=() skipped=0 skiplines=()
while IFS= read -r f; do
  lacks=()
  for need in $(needs "$f"); do
    for m in "${missing[@]}"; do [ "$need" = "$m" ] && lacks+=("$need"); done
  done
  if [ ${#lacks[@]} -eq 0 ]; then run+=("$f"); continue; fi
  n=$(grep -oE '\bplan\( *[0-9]+ *\)' "$f" | head -n1 | tr -dc '0-9'); n=${n:-1}
  skipped=$((skipped + n))
  skiplines+=("skip $f: $n tests, needs ${lacks[*]} (not on this server)")
done < <(find tests-pgtap -name '*.sql' | LC_ALL=C sort)

out=$(mktemp)
trap 'rm -f "$out"' EXIT
PGDATABASE=$db pg_prove --ext .sql --timer -v "${run[@]}" >"$out" 2>&1
rc=$?
ok=$(grep -cE '^ok [0-9]+' "$out")
notok=$(grep -cE '^not ok [0-9]+' "$out")
if [ "$rc" -ne 0 ] || [ "$notok" -ne 0 ]; then
  # each failing file: its name, its failed tests with their diagnostics, its errors; then pg_prove's report
  awk '/\.sql \.\./ { file = $0; shown = 0; next }
       /^not ok/ || /ERROR|Dubious|Bad plan|Parse error|No plan|^# Looks like/ {
         if (!shown) { print file; shown = 1 } print; diag = /^not ok/; next }
       diag && /^#/ { if (++lines[file] <= 60) print; next }
       { diag = 0 }
       /^Test Summary Report/ { report = 1 } report' "$out" | head -n 400
  [ "$notok" -eq 0 ] && notok=1   # a file that died without a failing assertion
elif [ "$verbose" = -v ]; then cat "$out"
else tail -n 3 "$out"
fi
[ ${#skiplines[@]} -eq 0 ] || printf "%s\n" "${skiplines[@]}"
echo "pgTAP: $ok passed, $notok failed, $skipped skipped"
[ "$notok" -eq 0 ]
