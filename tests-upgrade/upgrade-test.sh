#!/usr/bin/env bash
# Release discipline, as TAP-like lines ("ok N - ..." / "not ok N - ..."):
#  - the build of the current version equals its frozen script, if released;
#  - every frozen release installs;
#  - from every older release: install it, seed a run in progress, ALTER
#    EXTENSION pgflow UPDATE, and the catalog snapshot of the extension equals
#    a fresh install's; the in-flight run then finishes;
#  - the pgTAP suite passes on the database upgraded from the previous release,
#    and on PostgreSQL 15 (where every test runs: pg_cron, plpgsql_check) on
#    the one upgraded from the first release too (UPGRADE_SUITE=all: from
#    every release; the catalog check already proves the others equal).
# Runs on whichever server the PG* environment names (make test: 15 to 18).
set -uo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-${PGFLOW_PORT:-54329}} PGUSER=${PGUSER:-postgres}

n=0
check() { # description, command...
  local desc=$1; shift
  n=$((n + 1))
  if out=$("$@" 2>&1); then echo "ok $n - $desc"; else echo "not ok $n - $desc"; echo "$out" | sed 's/^/#   /' | head -40; fi
}
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
dbs=()
snap=$(mktemp -d)
roles=(pgflow_up_client_$$ pgflow_up_worker_$$ pgflow_up_admin_$$)
cleanup() {
  for d in "${dbs[@]}"; do psql_q -d postgres -c "drop database if exists $d with (force)" >/dev/null 2>&1; done
  for r in "${roles[@]}"; do psql_q -d postgres -c "drop role if exists $r" >/dev/null 2>&1; done
  rm -rf "$snap"
}
trap cleanup EXIT
# new_db NAME: a fresh database NAME, dropped on exit. Not called as $(new_db ..):
# a command substitution's subshell would register it in its own copy of dbs.
new_db() { dbs+=("$1"); psql_q -d postgres -c "drop database if exists $1" -c "create database $1" >/dev/null; }
snapshot() { psql_q -At -d "$1" -f tests-upgrade/catalog_snapshot.sql; }
pgtap() { # db: the pgTAP suite on it; its summary line goes to $snap/pgtap
  tests-helpers/pgtap.sh run "$1" > $snap/pgtap.out 2>&1; local rc=$?
  tail -n1 $snap/pgtap.out > $snap/pgtap
  [ $rc -eq 0 ] || cat $snap/pgtap.out
  return $rc
}

current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" pgflow.control)
check "the build of $current matches its frozen script, if released" make -s check-frozen

fresh=pgflow_up_fresh_$$
new_db "$fresh"
check "a fresh install of $current works" psql_q -d "$fresh" -c "create extension pgflow cascade"
snapshot "$fresh" > $snap/fresh
psql_q -d "$fresh" -f tests-upgrade/seed_inflight_run.sql >/dev/null   # its flows, for the shape_hash check
check "the snapshot of a fresh install lists the engine's objects" \
  bash -c "[ \$(grep -c '^function ' $snap/fresh) -ge 20 ]"

releases=$(for f in extension/pgflow--*.sql; do
  v=${f#extension/pgflow--}; v=${v%.sql}
  case "$v" in *--*) ;; *) echo "$v" ;; esac   # not the upgrade scripts
done | sort -V)
first=$(echo "$releases" | grep -vx "$current" | head -n1)
previous=$(echo "$releases" | grep -vx "$current" | tail -n1)
# the first release's suite on 15 only: make test stays within its time on 2 cores
[ "$(psql -X -At -d postgres -c 'show server_version_num')" -lt 160000 ] || [ "${UPGRADE_SUITE:-}" = all ] || first=$previous
echo "# the pgTAP suite runs on the databases upgraded from $(printf '%s\n' "$first" "$previous" | sort -uV | paste -sd' ' | sed 's/ / and /')"
for v in $releases; do
  db=pgflow_up_${v//./_}_$$
  new_db "$db"
  check "release $v installs" psql_q -d "$db" -c "create extension pgflow version '$v' cascade"
  [ "$v" = "$current" ] && continue
  check "a run in progress on $v" psql_q -d "$db" -f tests-upgrade/seed_inflight_run.sql
  check "alter extension pgflow update from $v to $current" psql_q -d "$db" -c "alter extension pgflow update"
  snapshot "$db" > $snap/upgraded
  check "upgraded from $v equals a fresh $current install" diff -u $snap/fresh $snap/upgraded
  check "flows defined on $v get the shape_hash a fresh $current install gives them" \
    bash -c "[ \"\$(psql -X -At -d $db -c 'select count(*) from pgflow.flows where shape_hash is null')\" = 0 ] &&
             diff <(psql -X -At -d $db -c 'select flow_slug, shape_hash from pgflow.flows order by 1') \
                  <(psql -X -At -d $fresh -c 'select flow_slug, shape_hash from pgflow.flows order by 1')"
  check "the run started on $v completes after the upgrade" \
    bash -c "psql -X -q -At -v ON_ERROR_STOP=1 -d $db -f tests-upgrade/finish_inflight_run.sql | tail -n1 | grep -q '^completed '"
  [ "$v" = "$first" ] || [ "$v" = "$previous" ] || [ "${UPGRADE_SUITE:-}" = all ] || continue
  tests-helpers/pgtap.sh prepare "$db" >/dev/null
  # the pg_cron tests use pgflow in the postgres database: this build of it
  psql_q -d postgres -c "drop extension if exists pgflow cascade" -c "create extension pgflow cascade" >/dev/null 2>&1
  check "the pgTAP suite passes on the database upgraded from $v" pgtap "$db"
  sed 's/^/#   /' $snap/pgtap
done
# 0.2.7 records what the grant helpers gave (pgflow.grants): the upgrade
# records what 0.2.6's helpers had given, so that those roles keep what they
# had (in a database of its own: the catalog comparison above has no roles).
if [ -f extension/pgflow--0.2.6.sql ]; then
  db=pgflow_up_grants_$$
  new_db "$db"
  check "a client, a worker and an admin made by 0.2.6's helpers" psql_q -d "$db" \
    -c "create extension pgflow version '0.2.6' cascade" -f tests-upgrade/seed_inflight_run.sql \
    -c "create role ${roles[0]}; create role ${roles[1]}; create role ${roles[2]}" \
    -c "select pgflow.grant_client('${roles[0]}'), pgflow.grant_worker('${roles[1]}', array['upgrade_seed']),
               pgflow.grant_admin('${roles[2]}')"
  psql_q -d "$db" -c "alter extension pgflow update" >/dev/null 2>&1
  check "after the upgrade, 0.2.6's grants are recorded and its client still reads every run" \
    bash -c "[ \"\$(psql -X -At -d $db -c \"select string_agg(g.kind || ':' || coalesce(g.flow_slug, '*'), ',' order by g.kind)
                                         from pgflow.grants as g\")\" = 'admin:*,client:*,worker:upgrade_seed' ] &&
             [ \"\$(psql -X -q -At -d $db -c \"set role ${roles[0]}\" -c \"select count(*) from pgflow.runs\")\" = 1 ]"
fi
echo "# $n checks"
