#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for the test suite.
#   postgres.sh start [STATE]  print its URL; when this call started the server, write its data
#                              directory to the file STATE (so that only its starter stops it)
#   postgres.sh stop STATE     stop the server named in STATE, if any
set -euo pipefail
port=${BOARDBOT_PG_PORT:-54329}
root=${BOARDBOT_PG_DIR:-/tmp/boardbot-test-pg}
url="postgresql://postgres@127.0.0.1:${port}/boardbot_test"

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local state=${1:-}
  local bindir
  bindir=$(find_bindir)
  if [ -z "$bindir" ]; then
    echo "installing PostgreSQL from the OS packages" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bindir=$(find_bindir)
  fi
  if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    rm -rf "$root"
    mkdir -p "$root"
    [ "$(id -u)" = 0 ] && chown postgres "$root"
    as_owner "$bindir/initdb" -D "$root/data" -A trust -U postgres >/dev/null
    as_owner "$bindir/pg_ctl" -D "$root/data" -l "$root/server.log" -w start \
      -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >&2
    if [ -n "$state" ]; then echo "$root/data" >"$state"; fi
  fi
  "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tc \
    "SELECT 1 FROM pg_database WHERE datname = 'boardbot_test'" | grep -q 1 ||
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres boardbot_test
  echo "$url"
}

stop() {
  local state=$1
  [ -s "$state" ] || return 0
  local data
  data=$(cat "$state")
  echo "stopping the PostgreSQL started for the tests ($data)" >&2
  as_owner "$(find_bindir)/pg_ctl" -D "$data" -m fast -w stop >&2
  : >"$state"
}

case "${1:-start}" in
  start) start "${2:-}" ;;
  stop) stop "${2:?postgres.sh stop STATE}" ;;
  *) echo "usage: postgres.sh start [STATE] | stop STATE" >&2; exit 2 ;;
esac
