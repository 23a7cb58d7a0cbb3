#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ with address sanitizer (release, in .build-fuzz, apart
# from the normal build) and runs each for a given time.
#
#   bash scripts/fuzz.sh SECONDS [TARGET ...]     default: all of FuzzCSVReader FuzzFeatureSpec FuzzModelFile
#
# Each target starts from its seeds (Fuzz/corpus/TARGET) and the inputs it found before
# (.fuzz/corpus/TARGET, kept between runs), with its dictionary (Fuzz/TARGET.dict). A crash,
# a hang (an input taking over 10 s), a sanitizer report or more than 2 GB of memory stops
# it: the input is saved as .fuzz/artifacts/TARGET-crash-… (or -timeout-, -oom-), the script
# prints the command that replays it and exits 1. Turn such an input into a regression test.
# Extra libFuzzer flags can be passed in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-runs=10000000).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: bash scripts/fuzz.sh SECONDS [TARGET ...]}"
shift
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(FuzzCSVReader FuzzFeatureSpec FuzzModelFile)

echo "Building ${targets[*]} with -sanitize=fuzzer,address..."
# The linker warns "Cannot export local symbol '__asan_…'" for every module; harmless.
swift build --package-path Fuzz --scratch-path .build-fuzz -c release -Xswiftc -sanitize=fuzzer,address 2>&1 \
    | grep -v "Cannot export local symbol" || true
binaries="$(swift build --package-path Fuzz --scratch-path .build-fuzz -c release -Xswiftc -sanitize=fuzzer,address --show-bin-path)"

status=0
for target in "${targets[@]}"; do
    [ -x "$binaries/$target" ] || { echo "No fuzz target $target (build failed?)." >&2; exit 1; }
    corpus=".fuzz/corpus/$target"
    mkdir -p "$corpus" .fuzz/artifacts .fuzz/logs
    log=".fuzz/logs/$target.log"
    echo "Fuzzing $target for $seconds s (log: $log)..."
    set +e
    # malloc_context_size=0: the sanitizer records no stack per allocation (a fifth of the spec
    # target's time goes to that); it still catches every bad access, and replaying an input
    # without these options gives the full stacks. ASAN_OPTIONS from the caller come last and win.
    # shellcheck disable=SC2086
    ASAN_OPTIONS="detect_leaks=0:malloc_context_size=0:${ASAN_OPTIONS:-}" "$binaries/$target" "$corpus" "Fuzz/corpus/$target" \
        -dict="Fuzz/$target.dict" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" \
        -artifact_prefix=".fuzz/artifacts/$target-" -print_final_stats=1 ${FUZZ_FLAGS:-} > "$log" 2>&1
    result=$?
    set -e
    # With -jobs (FUZZ_FLAGS) the log holds each worker's final stats: add them up.
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | awk '{ n += $1 } END { if (NR) print n }' || true)"
    if [ "$result" -eq 0 ]; then
        echo "$target: ${runs:-?} executions, no crash, hang or sanitizer report."
    else
        echo "$target: stopped with status $result after ${runs:-?} executions:" >&2
        grep -E "ERROR|SUMMARY|Fatal error|Test unit written|panic|deadly signal" "$log" | head -20 >&2 || true
        echo "Replay: $binaries/$target .fuzz/artifacts/$target-<file>   (full log: $log)" >&2
        status=1
    fi
done
exit "$status"
