#!/usr/bin/env bash
# The README's first command: set up, build, and run `memmon leak` on the built-in demo,
# a thread that calloc()s 8 KiB per fibonacci step and never frees it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -s -j"$(nproc)"
exec build/memmon leak -i 2 -- build/memmon-demo 6
