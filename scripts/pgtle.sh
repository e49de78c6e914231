#!/usr/bin/env bash
# make pgtle: writes pgflow--VERSION.pgtle.sql at the project root, the install for
# servers where nobody can copy files into the extension directory (Supabase,
# Amazon RDS and Aurora, ...): it registers pgflow (and, where no pgmq exists,
# pgmq) with pg_tle (Trusted Language Extensions). A role with pgtle_admin applies
# it with psql, any number of times; it is one transaction. It registers, each
# only where missing:
#   - pgmq, the version scripts/deps.sh pins (its install script from the same
#     crate), only where no pgmq is available, neither as files nor through pg_tle;
#   - pgflow's first release (extension/pgflow--<first>.sql) and the newest full
#     script (extension/pgflow--VERSION.sql, or the build of sql/ while VERSION
#     is not released);
#   - every update path in extension/;
#   - VERSION as the default version (never lowering a newer default).
# The scripts go in unchanged, inside dollar quotes whose tags are checked here
# not to occur in any of them.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'pgtle: %s\n' "$*" >&2; }
control_value() { sed -n "s/^$2 = '\(.*\)'/\1/p" "$1"; }

version=$(control_value pgflow.control default_version)
comment=$(control_value pgflow.control comment)
out="pgflow--$version.pgtle.sql"

# --- pgflow's scripts ------------------------------------------------------------------
newest="extension/pgflow--$version.sql"
[ -f "$newest" ] || newest="pgflow--$version.sql"   # not released yet: the build (make)
[ -f "$newest" ] || { say "$newest is missing: run make first"; exit 1; }
first=$(ls extension/pgflow--*.sql | grep -v -- '--.*--' | sed 's/.*pgflow--\(.*\)\.sql$/\1/' | sort -V | head -n1)
[ -n "$first" ] || { say "no released version in extension/"; exit 1; }
paths=$(ls extension/pgflow--*--*.sql | sed 's/.*pgflow--\(.*\)--\(.*\)\.sql$/\1 \2/' | sort -V)

# --- pgmq's install script, of the version make deps installs ---------------------------
crate_version=$(sed -n 's/^PGMQ_CRATE_VERSION=\([0-9.]*\).*/\1/p' scripts/deps.sh)
[ -n "$crate_version" ] || { say "PGMQ_CRATE_VERSION not found in scripts/deps.sh"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find_crate() { find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "pgmq-$crate_version.crate" 2>/dev/null | head -n1; }
crate=$(find_crate)
if [ -z "$crate" ]; then
  command -v cargo >/dev/null || { say "the pgmq crate $crate_version is not in the cargo cache and cargo is missing (make deps installs what is needed)"; exit 1; }
  say "fetching the pgmq crate $crate_version"
  mkdir -p "$work/fetch/src"
  printf '[package]\nname = "pgmq-fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\npgmq = { version = "=%s", default-features = false }\n' \
    "$crate_version" > "$work/fetch/Cargo.toml"
  : > "$work/fetch/src/lib.rs"
  (cd "$work/fetch" && cargo fetch -q)
  crate=$(find_crate)
  [ -n "$crate" ] || { say "pgmq-$crate_version.crate not found in the cargo cache"; exit 1; }
fi
tar -xzf "$crate" -C "$work" "pgmq-$crate_version/src/install/embedded"
embedded="$work/pgmq-$crate_version/src/install/embedded"
pgmq_version=$(control_value "$embedded/pgmq.control" default_version)
pgmq_comment=$(control_value "$embedded/pgmq.control" comment)
pgmq_schema=$(control_value "$embedded/pgmq.control" schema)
pgmq_script="$embedded/sql/pgmq.sql"
[ -n "$pgmq_version" ] && [ -f "$pgmq_script" ] || { say "no pgmq control file or script in pgmq-$crate_version.crate"; exit 1; }

# --- dollar-quote tags that none of the scripts holds -----------------------------------
scripts=("$pgmq_script" "extension/pgflow--$first.sql" "$newest")
while read -r from to; do [ -n "$from" ] && scripts+=("extension/pgflow--$from--$to.sql"); done <<< "$paths"
# pg_tle wraps each script in these two tags itself and refuses a script that holds one.
for s in "${scripts[@]}"; do
  if grep -qF -e '$_pgtle_o_$' -e '$_pgtle_i_$' "$s"; then say "$s holds a dollar-quote tag pg_tle reserves"; exit 1; fi
done
tag=pgflow_tle n=0
while cat "${scripts[@]}" | grep -qF -e "\$$tag\$" -e "\$${tag}_sql\$"; do n=$((n + 1)); tag="pgflow_tle_$n"; done
outer="\$$tag\$" inner="\$${tag}_sql\$"

# --- the artifact ---------------------------------------------------------------------
quote() { printf "'%s'" "${1//\'/\'\'}"; }   # an SQL string literal
script() { printf '%s\n' "$inner"; cat "$1"; printf '%s' "$inner"; }
# register WHAT CONDITION CALL: a DO block that runs CALL (PL/pgSQL) where CONDITION holds
register() {
  printf '\n-- %s\ndo %s\nbegin\n  if %s then\n    %s;\n    raise notice %s;\n  end if;\nend\n%s;\n' \
    "$1" "$outer" "$2" "$3" "$(quote "registered $1")" "$outer"
}
available_version() { # name version: an SQL condition, true when pg_tle has that version
  printf "exists (select from pgtle.available_extension_versions() as v where v.name = '%s' and v.version = '%s')" "$1" "$2"
}

tmp="$work/artifact.sql"
{
  cat <<SQL
-- pgflow $version for pg_tle (Trusted Language Extensions), built by \`make pgtle\`.
-- For servers where the extension directory cannot be written to (Supabase,
-- Amazon RDS and Aurora, ...). A role with pgtle_admin (for example the
-- database owner) applies it, any number of times:
--   psql -v ON_ERROR_STOP=1 -f $out
-- then: create extension pgflow cascade;   (or: alter extension pgflow update;)
-- One transaction. Each registration happens only where it is missing:
--   pgmq $pgmq_version, only where no pgmq is available (as files or through pg_tle);
--   pgflow $first and $version (full scripts), the update paths, default version $version.

begin;

do $outer
begin
  if not exists (select from pg_catalog.pg_extension where extname = 'pg_tle') then
    if exists (select from pg_catalog.pg_available_extensions where name = 'pg_tle') then
      raise exception using errcode = 'object_not_in_prerequisite_state',
        message = format('pg_tle is not enabled in database "%s"', pg_catalog.current_database()),
        hint = 'A superuser (rds_superuser on Amazon RDS) runs "create extension pg_tle" in this database, with pg_tle in shared_preload_libraries.';
    end if;
    raise exception using errcode = 'feature_not_supported',
      message = 'pg_tle is not available on this server',
      hint = 'Add pg_tle to shared_preload_libraries (a parameter group on Amazon RDS), restart, then "create extension pg_tle"; or install pgflow''s files and use "create extension pgflow cascade".';
  end if;
  if not pg_catalog.pg_has_role(current_user, 'pgtle_admin', 'member') then
    raise exception using errcode = 'insufficient_privilege',
      message = format('role "%s" lacks pgtle_admin, which registering extensions with pg_tle needs', current_user),
      hint = format('A superuser runs "grant pgtle_admin to %I".', current_user);
  end if;
  if exists (select from pg_catalog.pg_available_extensions where name = 'pgflow')
     and not exists (select from pgtle.available_extensions() where name = 'pgflow') then
    raise exception using errcode = 'object_not_in_prerequisite_state',
      message = 'pgflow is installed on this server as files, so pg_tle cannot register it',
      hint = 'Use "create extension pgflow cascade" (or "alter extension pgflow update") instead.';
  end if;
end
$outer;
SQL

  register "pgmq $pgmq_version" \
    "not exists (select from pg_catalog.pg_available_extensions where name = 'pgmq')
      and not exists (select from pgtle.available_extensions() where name = 'pgmq')
      and not exists (select from pg_catalog.pg_extension where extname = 'pgmq')" \
    "perform pgtle.install_extension('pgmq', '$pgmq_version', $(quote "$pgmq_comment"),
$(script "$pgmq_script"), null, $(quote "$pgmq_schema"))"

  # The first release: with pgflow's control (requires, schema) where pgflow is not registered yet.
  cat <<SQL

-- pgflow $first
do $outer
declare
  v_script constant text := $(script "extension/pgflow--$first.sql");
begin
  if not $(available_version pgflow "$first") then
    if not exists (select from pgtle.available_extensions() where name = 'pgflow') then
      perform pgtle.install_extension('pgflow', '$first', $(quote "$comment"), v_script, array['pgmq'], 'pgflow');
    else
      perform pgtle.install_extension_version_sql('pgflow', '$first', v_script);
    end if;
    raise notice 'registered pgflow $first';
  end if;
end
$outer;
SQL

  if [ "$version" != "$first" ]; then
    register "pgflow $version" \
      "not $(available_version pgflow "$version")" \
      "perform pgtle.install_extension_version_sql('pgflow', '$version',
$(script "$newest"))"
  fi

  while read -r from to; do
    [ -n "$from" ] || continue
    register "the update path pgflow $from to $to" \
      "not exists (select from pg_catalog.pg_proc where pronamespace = 'pgtle'::regnamespace
                      and proname = 'pgflow--$from--$to.sql')" \
      "perform pgtle.install_update_path('pgflow', '$from', '$to',
$(script "extension/pgflow--$from--$to.sql"))"
  done <<< "$paths"

  # The default only moves up: applying an older artifact after a newer one keeps the newer default.
  register "pgflow $version as the default version" \
    "(select pg_catalog.string_to_array(default_version, '.')::int[] from pgtle.available_extensions() where name = 'pgflow')
        < pg_catalog.string_to_array('$version', '.')::int[]" \
    "perform pgtle.set_default_version('pgflow', '$version')"

  printf '\ncommit;\n'
} > "$tmp"
mv "$tmp" "$out"
say "wrote $out ($(wc -c < "$out") bytes: pgmq $pgmq_version where none is available, pgflow $first and $version, $(echo "$paths" | grep -c .) update paths)"
