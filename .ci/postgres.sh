#!/usr/bin/env bash
# Start a throwaway PostgreSQL on 127.0.0.1 for the test suite and print its URL.
set -euo pipefail
port=${BOARDBOT_PG_PORT:-54329}
root=${BOARDBOT_PG_DIR:-/tmp/boardbot-test-pg}
url="postgresql://postgres@127.0.0.1:${port}/boardbot_test"

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bindir=$(find_bindir)
if [ -z "$bindir" ]; then
  echo "installing PostgreSQL from the OS packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bindir=$(find_bindir)
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  rm -rf "$root"
  mkdir -p "$root"
  [ "$(id -u)" = 0 ] && chown postgres "$root"
  as_owner "$bindir/initdb" -D "$root/data" -A trust -U postgres >/dev/null
  as_owner "$bindir/pg_ctl" -D "$root/data" -l "$root/server.log" -w start \
    -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >&2
fi
"$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tc \
  "SELECT 1 FROM pg_database WHERE datname = 'boardbot_test'" | grep -q 1 ||
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres boardbot_test
echo "$url"
