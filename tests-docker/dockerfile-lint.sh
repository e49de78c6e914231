#!/usr/bin/env bash
# No Docker engine runs here, so the Dockerfile is checked by reading it, as
# TAP-like lines: what it copies exists, covers everything `make install`
# reads, its PostgreSQL is one that make test runs, and its packages, preload,
# init script and healthcheck are in place.
set -uo pipefail
cd "$(dirname "$0")/.."
F=Dockerfile
n=0
check() { n=$((n + 1)); if eval "$2" >/dev/null 2>&1; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }

major=$(sed -n 's/^FROM postgres:\([0-9]*\).*/\1/p' "$F")
check "FROM names an official postgres major version ($major)" '[ -n "$major" ]'
tested=$(scripts/servers.sh versions)
check "PostgreSQL $major is one that make test runs ($tested)" 'echo " $tested " | grep -q " $major "'
check "pgmq, pg_cron and pgTAP packages are for PostgreSQL $major" \
  "grep -q 'postgresql-$major-pgmq' $F && grep -q 'postgresql-$major-cron' $F && grep -q 'postgresql-$major-pgtap' $F"
check "PGXS needs make and the server headers for PostgreSQL $major" \
  "grep -q 'make ' $F && grep -q 'postgresql-server-dev-$major' $F"

# every COPY source exists
sources=$(awk '/^COPY/ { for (i = 2; i < NF; i++) print $i }' "$F")
missing=$(for s in $sources; do [ -e "$s" ] || echo "$s"; done)
check "every file it copies exists (${sources//$'\n'/ })" '[ -z "$missing" ]'

# what make install reads: the control file, the Makefile, sql/ (the build) and extension/
needed=$( (echo pgflow.control; echo Makefile; ls sql/*.sql; ls extension/*.sql) )
uncovered=$(for f in $needed; do
  covered=no
  for s in $sources; do case "$f" in "${s%/}"|"${s%/}"/*) covered=yes ;; esac; done
  [ $covered = yes ] || echo "$f"
done)
check "it copies everything make install reads" '[ -z "$uncovered" ]'
check "it installs with make install, against PostgreSQL $major's pg_config" \
  "grep -Eq '^RUN make install PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config' $F"
check "the Makefile's install is PGXS's (DATA_built from sql/, DATA from extension/)" \
  "grep -q '^DATA_built' Makefile && grep -q '^DATA ' Makefile && grep -q 'include \$(PGXS)' Makefile"
check "pg_cron is preloaded" "grep -q 'shared_preload_libraries=pg_cron' $F"
check "an init script creates the extension" "grep -q 'docker-entrypoint-initdb.d' $F && grep -q 'create extension if not exists pgflow cascade' $F"
check "there is a healthcheck" "grep -q '^HEALTHCHECK' $F && grep -q 'pg_isready' $F"
[ -n "$uncovered$missing" ] && echo "# missing: $missing uncovered: $uncovered"
exit 0
