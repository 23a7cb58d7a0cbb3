#!/usr/bin/env bash
# Installs what building and testing Propensity needs on Debian or Ubuntu: OpenBLAS and
# LAPACKE with their headers, pkg-config, Chromium with chromedriver for the test that opens
# `propensity report`'s HTML in a headless browser, PostgreSQL 15 for the database tests
# (scripts/with-postgres.sh starts a throwaway server), and Java 17 with the Python packages of
# scripts/requirements.txt (pyspark, jpmml-evaluator) for the tests that run exported models in
# Spark SQL and a PMML evaluator. Does nothing when they are already there.
set -euo pipefail

needed=()
for package in libopenblas-dev liblapacke-dev pkg-config chromium chromium-driver postgresql-15 \
    openjdk-17-jre-headless; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || needed+=("$package")
done
if [ "${#needed[@]}" -gt 0 ]; then
    echo "Installing ${needed[*]}..."
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "Swift 6.1 or later is needed: https://www.swift.org/install/" >&2; exit 1; }
pkg-config --exists openblas lapacke || { echo "pkg-config cannot find openblas and lapacke." >&2; exit 1; }
command -v chromium >/dev/null && command -v chromedriver >/dev/null \
    || { echo "chromium and chromedriver are not on PATH; the report browser test needs them." >&2; exit 1; }
[ -x /usr/lib/postgresql/15/bin/postgres ] \
    || { echo "PostgreSQL 15 is not in /usr/lib/postgresql/15; the database tests need it (apt-get install postgresql-15)." >&2; exit 1; }
command -v java >/dev/null || { echo "java is not on PATH; the Spark and PMML tests need Java 17." >&2; exit 1; }
# Already-installed pins cost pip no download.
python3 -m pip install --no-cache-dir --quiet --disable-pip-version-check --root-user-action=ignore -r "$(cd "$(dirname "$0")" && pwd)/requirements.txt"
