#!/usr/bin/env bash
# Run a command (the test suite) with a throwaway PostgreSQL server: Debian's `postgresql` (installed when absent),
# a cluster in a temporary directory on a free port, run as the `postgres` user, one database, its URL exported as
# THUKY_TEST_POSTGRES_URL; the server is stopped and its directory removed at the end, whatever the command did.
# Without apt or root the command still runs, and the PostgreSQL variants of the tests skip, saying why — except
# under CI (CI set), where a server that cannot start fails the run.
set -uo pipefail

start_postgres() {
    if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null || return 1
    fi
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    id postgres >/dev/null 2>&1 || return 1
    PGTMP=$(mktemp -d /tmp/thuky-pg.XXXXXX) && chown postgres "$PGTMP" || return 1
    PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    as_pg "$BIN/initdb" -D "$PGTMP/data" -A trust -U postgres -E UTF8 >/dev/null || return 1
    as_pg "$BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
        -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
        || return 1
    as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres thuky_test || return 1
    export THUKY_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PGPORT/thuky_test"
    echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') for the tests: $THUKY_TEST_POSTGRES_URL"
}

stop_postgres() {
    if [ -n "${PGTMP:-}" ]; then
        if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null
        else "$BIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null; fi
        rm -rf "$PGTMP"
    fi
}

if [ -z "${THUKY_TEST_POSTGRES_URL:-}" ]; then
    trap stop_postgres EXIT
    if ! start_postgres; then
        # in CI the PostgreSQL variants must run, not skip: a server that cannot start fails the run
        if [ -n "${CI:-}" ]; then echo "PostgreSQL could not be started for the tests" >&2; exit 1; fi
        echo "PostgreSQL could not be started: the PostgreSQL variants of the tests will skip"
    fi
fi
"$@"
