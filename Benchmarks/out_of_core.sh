#!/usr/bin/env bash
# Out-of-core training: `propensity train --row-cache` on ROWS synthetic SQLs × 32 features
# (peak resident memory and the time of each phase), then REPEATS runs of `cache-timer --reuse`
# on the cache it wrote: seconds per pass of the fit against seconds to read the cache once,
# as medians.
#
#   cd Benchmarks && bash out_of_core.sh 20000000 /tmp/out-of-core 8
#
# The table (leads-ROWS.csv, 4.5 GB at 20M rows) and the cache (5.3 GB) stay in FOLDER for
# later runs; delete the folder when done.
set -euo pipefail

rows=${1:-20000000}
folder=${2:-/tmp/propensity-out-of-core}
repeats=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$folder"
table="$folder/leads-$rows.csv"
cache="$folder/rows-$rows.cache"

if [ ! -f "$table" ]; then
    echo "Writing $table" >&2
    python3 "$here/make_wide_table.py" --rows "$rows" --columns 32 --out "$table"
fi
(cd "$here/.." && swift build -c release --product propensity >&2)
(cd "$here" && swift build -c release --product cache-timer >&2)
propensity="$here/../.build/release/propensity"

# The training run, its peak resident memory read from the kernel's accounting of the child.
python3 - "$propensity" "$table" "$cache" "$folder" <<'EOF'
import re, resource, subprocess, sys, time
propensity, table, cache, folder = sys.argv[1:]
start = time.monotonic()
run = subprocess.run([propensity, "train", "--data", table, "--label", "won", "--l2", "1", "--threads", "2",
                      "--row-cache", cache, "--progress", "--out", f"{folder}/model.json"],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
stamps = {}
for line in run.stderr.splitlines():
    match = re.match(r"\[\s*([\d.]+)s\] (\S+)", line)
    if match and match.group(2) not in stamps:
        stamps[match.group(2)] = float(match.group(1))
print(f"train --row-cache: {seconds:.1f} s in all, peak resident memory {peak:.0f} MiB")
print(f"  reading the table and writing the cache: {stamps['Fitting']:.1f} s; "
      f"fit: {stamps['Scoring'] - stamps['Fitting']:.1f} s; metrics, grades and model: {seconds - stamps['Scoring']:.1f} s")
print("  " + run.stdout.strip().splitlines()[-1])
EOF

# The fit's passes against one plain read of the cache, REPEATS times.
for _ in $(seq "$repeats"); do
    "$here/.build/release/cache-timer" --rows "$rows" --columns 32 --out "$cache" --reuse --threads 2
done > "$folder/cache-timer.jsonl"
python3 - "$folder/cache-timer.jsonl" <<'EOF'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
def median(key):
    return statistics.median(run[key] for run in runs)
ratios = [run["passOverRead"] for run in runs]
print(f"fit streaming the cache, {len(runs)} runs of {runs[0]['passes']:.0f} passes: "
      f"{median('secondsPerPass'):.3f} s per pass, {median('readSeconds'):.3f} s to read the cache (medians); "
      f"pass / read {median('passOverRead'):.2f} (median of the runs, {min(ratios):.2f} to {max(ratios):.2f}); "
      f"peak resident memory {max(run['peakResidentMiB'] for run in runs):.0f} MiB")
EOF
