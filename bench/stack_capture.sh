#!/usr/bin/env bash
# Cost of one stack capture into the stack store (src/symbols/stack_store.bpf.h) beside a
# BPF_MAP_TYPE_STACK_TRACE map (bpf_get_stackid), measured side by side in one process with
# BPF_PROG_TEST_RUN: a kernel stack (the test run's), and user stacks of a few and of 64
# frames (frame-pointer recursion). Prints ns per capture, loop overhead removed, and the
# ratio store / STACK_TRACE (target: about 1). Needs root.
# Usage: bench/stack_capture.sh [BUILD] [REPS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
REPS=${2:-3}
B="$ROOT/$BUILD/bench"
[ "$(id -u)" = 0 ] || { echo "bench/stack_capture.sh: needs root" >&2; exit 1; }
make -s -C "$ROOT" BUILD="$BUILD" "$BUILD/vmlinux.h"
mkdir -p "$B"
ARCH=$(uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
clang -g -O2 -target bpf -D__TARGET_ARCH_"$ARCH" -I"$ROOT/$BUILD" -I"$ROOT/src" \
	-c "$ROOT/bench/stack_capture.bpf.c" -o "$B/stack_capture.bpf.o"
bpftool gen skeleton "$B/stack_capture.bpf.o" name stack_capture >"$B/stack_capture.skel.h"
gcc -O1 -g -fno-omit-frame-pointer -I"$B" "$ROOT/bench/stack_capture.c" -o "$B/stack_capture" -lbpf
for ((r = 0; r < REPS; r++)); do
	"$B/stack_capture" kernel 0
	"$B/stack_capture" user 4
	"$B/stack_capture" user 70
done
