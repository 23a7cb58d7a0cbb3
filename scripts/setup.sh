#!/usr/bin/env bash
# Installs what building and testing Propensity needs on Debian or Ubuntu: OpenBLAS and
# LAPACKE with their headers, pkg-config, Chromium with chromedriver for the test that opens
# `propensity report`'s HTML in a headless browser, and PostgreSQL 15 for the database tests
# (scripts/with-postgres.sh starts a throwaway server). Does nothing when they are already there.
set -euo pipefail

needed=()
for package in libopenblas-dev liblapacke-dev pkg-config chromium chromium-driver postgresql-15; do
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
