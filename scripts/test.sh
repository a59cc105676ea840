#!/usr/bin/env bash
# The README's second command: set up, build, and run every test, then the whole suite
# again under AddressSanitizer/UBSan. Prints "N passed, N failed" for each run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -s -j"$(nproc)" WERROR=1 all unit
scripts/run-tests.sh build
make -s -j"$(nproc)" BUILD=build-asan SAN=1 CFLAGS="-O1 -g" WERROR=1 all unit
scripts/run-tests.sh build-asan
