#!/usr/bin/env bash
# Loads a CRM export into a PostgreSQL database, for `--data postgres://…`:
#
#   bash scripts/load-postgres.sh URL [DIR]      DIR default: datasets/crm
#
# Runs DIR/postgres.sql (the tables with their types) with psql, then copies each of
# companies, leads, contacts and events from DIR/NAME.csv (header row; an empty field is NULL),
# all in one transaction: the database gets every table or none. The password comes from
# PGPASSWORD or ~/.pgpass, as for propensity itself. Rows are stored in the files' order, so
# propensity reads the tables exactly as it reads the files.
set -euo pipefail
url="${1:?usage: bash scripts/load-postgres.sh postgres://user@host:port/database [DIR]}"
dir="${2:-$(dirname "$0")/../datasets/crm}"
[ -f "$dir/postgres.sql" ] || { echo "$dir has no postgres.sql (the CREATE TABLE statements to load into)." >&2; exit 1; }
command -v psql >/dev/null || { echo "psql is not on PATH; install postgresql-client-15 (bash scripts/setup.sh does)." >&2; exit 1; }
{
    echo '\set ON_ERROR_STOP on'
    echo 'BEGIN;'
    cat "$dir/postgres.sql"
    for table in companies leads contacts events; do
        [ -f "$dir/$table.csv" ] || continue
        # psql's \copy reads the file on this side and sends it with COPY … FROM STDIN.
        printf '\\copy %s FROM %s WITH (FORMAT csv, HEADER)\n' "$table" "'$(realpath "$dir/$table.csv")'"
    done
    echo 'COMMIT;'
} | psql -X -q -v ON_ERROR_STOP=1 "$url"
