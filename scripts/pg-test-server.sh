#!/usr/bin/env bash
# Start (or stop) a private PostgreSQL server for the tests, in .pgtest/, listening on a
# Unix socket and 127.0.0.1:54329. Prints the SQLAlchemy URL on success.
# Runs the server as the invoking user, or as 'postgres' when invoked as root.
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$PGBIN" ] || { echo "pg-test-server: PostgreSQL is not installed" >&2; exit 1; }
DIR="${XLREPORT_PGTEST_DIR:-/tmp/xlreport-pgtest}"
PORT="${XLREPORT_PGTEST_PORT:-54329}"
as_pg() {
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "${1:-start}" in
  start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"
      [ "$(id -u)" = "0" ] && chown postgres "$DIR"
      as_pg "$PGBIN/initdb -D $DIR -U xlreport --auth=trust -E UTF8 >/dev/null"
    fi
    if ! as_pg "$PGBIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
      as_pg "$PGBIN/pg_ctl -D $DIR -w -l $DIR/server.log -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1' start" >/dev/null
    fi
    as_pg "$PGBIN/psql -h 127.0.0.1 -p $PORT -U xlreport -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='xlreport_test'\"" | grep -q 1 \
      || as_pg "$PGBIN/createdb -h 127.0.0.1 -p $PORT -U xlreport xlreport_test"
    echo "postgresql+psycopg://xlreport@127.0.0.1:$PORT/xlreport_test"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl -D $DIR -m fast stop" ;;
esac
