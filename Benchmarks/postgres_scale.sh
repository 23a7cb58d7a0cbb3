#!/usr/bin/env bash
# The nightly forecasting job against PostgreSQL, at scale: generates a CRM export of LEADS
# leads (default 1,000,000: about 34 million events), trains a model on its files, loads it into
# the database with every lead made open (outcome and close date NULL), then times
#
#   propensity score --data postgres://… --write postgres://… --table lead_scores
#
# (every table streamed from the server, one events pass with the 7-day trend, all LEADS leads
# scored and written back in one transaction; from the second run on, replacing the previous
# run's rows) against the reading side alone (`--data postgres://… --out FILE`) and the same
# job on files, `score --data DIR --out FILE`, with the same open leads exported from the
# database. Prints the median wall time of REPEATS runs (default 3), rows per second and peak
# resident memory (GNU time's maximum RSS) of each.
#
# It needs a server: run it beside a throwaway one, from the Benchmarks folder:
#
#     bash ../scripts/with-postgres.sh bash postgres_scale.sh [LEADS] [REPEATS]
set -euo pipefail
leads=${1:-1000000}
repeats=${2:-3}
url="${PROPENSITY_TEST_POSTGRES:?run beside a server: bash ../scripts/with-postgres.sh bash postgres_scale.sh}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

(cd .. && swift build -c release --product propensity >/dev/null)
propensity=../.build/release/propensity
$propensity generate --out "$dir" --leads "$leads" --seed 1 >/dev/null
$propensity train --spec "$dir/spec.yaml" --data "$dir" --l2 1 --out "$dir/model.json" | grep -E '^Trained on:'

# The tables of datasets/crm/postgres.sql without keys (checking 34 million foreign keys would
# make the load, not the job, the long part), then every lead open.
sed -E 's/ PRIMARY KEY| REFERENCES [a-z_]+| NOT NULL//g' ../datasets/crm/postgres.sql > "$dir/postgres.sql"
start=$(date +%s.%N)
bash ../scripts/load-postgres.sh "$url" "$dir"
psql -X -q -v ON_ERROR_STOP=1 "$url" <<'SQL'
UPDATE leads SET outcome = NULL, closed_at = NULL, final_amount = NULL, loss_reason = NULL;
VACUUM FULL leads;
ANALYZE;
SQL
printf 'loaded in %.0f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
as_of=$(psql -X -At "$url" -c "SELECT to_char(max(sql_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM leads")

# The same open leads as files: leads exported from the database, the other tables as generated.
mkdir "$dir/open"
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "\\copy leads TO '$dir/open/leads.csv' WITH (FORMAT csv, HEADER)"
for table in companies contacts events; do ln -s "$dir/$table.csv" "$dir/open/$table.csv"; done

# Runs a command REPEATS times; prints the median seconds and the largest peak RSS (KiB).
measure() {
    local times=() peak=0 line
    for ((k = 0; k < repeats; k++)); do
        line=$(/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -n 1)
        times+=("${line% *}")
        ((${line#* } > peak)) && peak=${line#* }
    done
    echo "$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((repeats + 1) / 2))p") $peak (runs: ${times[*]})"
}

database=$(measure $propensity score --model "$dir/model.json" --data "$url" --as-of "$as_of" --write "$url" --table lead_scores)
# The reading side alone: from the database, into a file.
reading=$(measure $propensity score --model "$dir/model.json" --data "$url" --as-of "$as_of" --out "$dir/scores-db.csv")
files=$(measure $propensity score --model "$dir/model.json" --data "$dir/open" --as-of "$as_of" --out "$dir/scores.csv")
rows=$(psql -X -At "$url" -c "SELECT count(*) FROM lead_scores")
[[ "$rows" -eq $(($(wc -l < "$dir/scores.csv") - 1)) ]] || { echo "the database holds $rows scores, the file another count" >&2; exit 1; }
for name in database reading files; do
    read -r seconds peak runs <<< "${!name}"
    printf '%-8s %d rows in %.1f s: %.0f rows/s, peak RSS %.0f MiB %s\n' "$name" "$rows" "$seconds" \
        "$(echo "$rows / $seconds" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$runs"
done
read -r db_seconds _ <<< "$database"
read -r file_seconds _ <<< "$files"
printf 'database / files: %.2f\n' "$(echo "$db_seconds / $file_seconds" | bc -l)"
