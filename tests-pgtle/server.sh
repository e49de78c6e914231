#!/usr/bin/env bash
# A simulated managed server for the pg_tle tests: a throwaway PostgreSQL 15 whose
# extension directory has no pgflow and no pgmq files, with pg_tle preloaded.
#   tests-pgtle/server.sh available        exit 0 where pg_tle is installed for the server
#                                          (pg_config's), else print why and exit 1
#   tests-pgtle/server.sh start DIR PORT [with-pgmq]
#                                          build the server tree in DIR (new or empty),
#                                          initdb, start it on 127.0.0.1:PORT (user postgres);
#                                          with-pgmq: pgmq's files are there (as on Supabase)
#   tests-pgtle/server.sh stop DIR         stop it and remove DIR
# PostgreSQL finds its share and library directories relative to where the postgres
# executable really is: the bin directory is copied, everything else is linked.
set -uo pipefail

PG_CONFIG=$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)
sharedir=$("$PG_CONFIG" --sharedir) libdir=$("$PG_CONFIG" --pkglibdir) bindir=$("$PG_CONFIG" --bindir)
bin_rel=${bindir#/} share_rel=${sharedir#/} lib_rel=${libdir#/}
# PostgreSQL refuses to run as root: as root, the server belongs to `postgres`.
if [ "$(id -u)" -eq 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

case "${1:-}" in
  available)
    if [ -f "$sharedir/extension/pg_tle.control" ] && [ -f "$libdir/pg_tle.so" ]; then exit 0; fi
    echo "pg_tle is not installed for PostgreSQL $("$PG_CONFIG" --version | awk '{print $2}') (no pg_tle.control in $sharedir/extension)"
    exit 1 ;;
  start)
    dir=${2:?DIR} port=${3:?PORT} with_pgmq=${4:-}
    if psql -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
      echo "a server already listens on port $port"; exit 1
    fi
    mkdir -p "$dir" && chmod 755 "$dir" || exit 1
    tree=$dir/tree
    mkdir -p "$tree/$(dirname "$bin_rel")" "$tree/$share_rel/extension" "$tree/$(dirname "$lib_rel")"
    cp -a "$bindir" "$tree/$bin_rel"
    [ -e "$tree/$lib_rel" ] || ln -s "$libdir" "$tree/$lib_rel"
    for f in "$sharedir"/*; do [ "${f##*/}" = extension ] || ln -s "$f" "$tree/$share_rel/"; done
    for f in "$sharedir"/extension/*; do
      case "${f##*/}" in
        pgflow*) ;;
        pgmq*) [ "$with_pgmq" != with-pgmq ] || ln -s "$f" "$tree/$share_rel/extension/" ;;
        *) ln -s "$f" "$tree/$share_rel/extension/" ;;
      esac
    done
    [ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir"
    as_pg "$tree/$bin_rel/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || exit 1
    as_pg tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
shared_preload_libraries = 'pg_tle'
fsync = off
EOF
    as_pg "$tree/$bin_rel/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null || { cat "$dir/server.log"; exit 1; } ;;
  stop)
    dir=${2:?DIR}
    [ -d "$dir/data" ] && as_pg "$dir/tree/$bin_rel/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir" ;;
  *) echo "usage: $0 available | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
