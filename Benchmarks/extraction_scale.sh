#!/usr/bin/env bash
# Feature extraction at scale: generates a CRM export of LEADS leads (default 1,000,000: about
# 34 million events, 2.4 GB) into DIR (default a temporary folder, removed afterwards), then
# times reading the tables, streaming the events and building the matrix on 1 and 2 threads
# (medians of REPEATS runs, default 3). Run from the Benchmarks folder:
#
#     bash extraction_scale.sh [LEADS] [DIR] [REPEATS]
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
swift build -c release --product extract-timer >/dev/null
if [[ ! -f "$dir/events.csv" ]]; then
    ../.build/release/propensity generate --out "$dir" --leads "$leads" --seed 1
fi
ls -l "$dir"/*.csv
for threads in 1 2; do
    .build/release/extract-timer --spec "$dir/spec.yaml" --data "$dir" --threads "$threads" --repeats "$repeats"
done
