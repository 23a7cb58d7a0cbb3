#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 server, which the database tests and
# benchmark use:
#
#   bash scripts/with-postgres.sh COMMAND [ARGUMENT ...]
#
# It makes a new cluster in a temporary folder (initdb, run as the `postgres` user when this
# runs as root), with a superuser `propensity` and a random password, password authentication
# (scram-sha-256) and UTF-8; starts it on 127.0.0.1 only, on port PROPENSITY_POSTGRES_PORT
# (default 55432, not PostgreSQL's 5432) with its socket in the folder; and runs COMMAND with
#   PROPENSITY_TEST_POSTGRES=postgres://propensity@127.0.0.1:PORT/propensity?sslmode=disable
#   PGPASSWORD=<the password>
# in its environment. When COMMAND ends, however it ends, the server is stopped by the pid in
# its postmaster.pid and the folder removed; the script exits with COMMAND's status.
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: bash scripts/with-postgres.sh COMMAND [ARGUMENT ...]" >&2; exit 2; }
bin="/usr/lib/postgresql/15/bin"
[ -x "$bin/postgres" ] || { echo "PostgreSQL 15 is not installed ($bin/postgres); run bash scripts/setup.sh." >&2; exit 1; }
port="${PROPENSITY_POSTGRES_PORT:-55432}"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port on 127.0.0.1 is taken; choose another with PROPENSITY_POSTGRES_PORT." >&2
    exit 1
fi

folder="$(mktemp -d "${TMPDIR:-/tmp}/propensity-postgres.XXXXXX")"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    # initdb and postgres refuse to run as root.
    chown postgres: "$folder"
    as_owner=(runuser -u postgres --)
fi
password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$password" > "$folder/password"
[ "$(id -u)" -ne 0 ] || chown postgres: "$folder/password"

stop() {
    local pid
    if [ -f "$folder/data/postmaster.pid" ]; then
        pid="$(head -n 1 "$folder/data/postmaster.pid")"
        # SIGINT: PostgreSQL's fast shutdown (roll back open transactions, then exit).
        kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$folder"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$folder/data" -U propensity --pwfile="$folder/password" --auth=scram-sha-256 \
    -E UTF8 --no-locale > "$folder/initdb.log" 2>&1 || { cat "$folder/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/postgres" -D "$folder/data" -p "$port" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$folder" > "$folder/server.log" 2>&1 &
for _ in $(seq 1 100); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.1
done
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "PostgreSQL did not start:" >&2; cat "$folder/server.log" >&2; exit 1; }

PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U propensity propensity

export PROPENSITY_TEST_POSTGRES="postgres://propensity@127.0.0.1:$port/propensity?sslmode=disable"
export PGPASSWORD="$password"
set +e
"$@"
status=$?
set -e
exit "$status"
