#!/usr/bin/env bash
# Scoring at scale, end to end: generates a CRM export of LEADS leads (default 1,000,000: about
# 34 million events, 2.4 GB) into DIR (default a temporary folder, removed afterwards), trains a
# model on it, then times `propensity score` (tables, one events pass with the 7-day trend,
# scoring, writing the CSV) against read-timer, which only tokenizes the same four files with
# the package's CSV reader, on 1 and 2 threads. Medians of REPEATS runs (default 3). Run from
# the Benchmarks folder:
#
#     bash score_scale.sh [LEADS] [DIR] [REPEATS]
set -euo pipefail
leads=${1:-1000000}
dir=${2:-}
repeats=${3:-3}
cleanup=""
if [[ -z "$dir" ]]; then
    dir=$(mktemp -d)
    cleanup=$dir
fi
trap '[[ -n "$cleanup" ]] && rm -rf "$cleanup"' EXIT

(cd .. && swift build -c release --product propensity >/dev/null)
swift build -c release --product read-timer >/dev/null
propensity=../.build/release/propensity
if [[ ! -f "$dir/events.csv" ]]; then
    $propensity generate --out "$dir" --leads "$leads" --seed 1
fi
model=$(mktemp --suffix=.json)
out=$(mktemp --suffix=.csv)
$propensity train --spec "$dir/spec.yaml" --data "$dir" --l2 1 --out "$model" | grep -E '^Trained on [0-9]'
files=("$dir/leads.csv" "$dir/companies.csv" "$dir/contacts.csv" "$dir/events.csv")
for threads in 1 2; do
    runs=()
    for ((k = 0; k < repeats; k++)); do
        start=$(date +%s.%N)
        $propensity score --model "$model" --data "$dir" --as-of 2025-07-01 --threads "$threads" --out "$out" >/dev/null
        runs+=("$(echo "$(date +%s.%N) - $start" | bc)")
    done
    score=$(printf '%s\n' "${runs[@]}" | sort -g | sed -n "$(((repeats + 1) / 2))p")
    read=$(.build/release/read-timer --threads "$threads" --repeats "$repeats" "${files[@]}")
    seconds=$(echo "$read" | sed -E 's/.*"seconds": ([0-9.]+).*/\1/')
    printf 'threads %d: score %.2f s (runs: %s), read %.2f s, ratio %.2f\n' "$threads" "$score" "${runs[*]}" \
        "$seconds" "$(echo "$score / $seconds" | bc -l)"
done
echo "scored rows: $(($(wc -l < "$out") - 1))"
rm -f "$model" "$out"
