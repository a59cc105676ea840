#!/usr/bin/env bash
# Every libFuzzer harness (tests/fuzz: the page_owner parser, the /proc parsers, the guard
# report parser, the file and stream readers) runs 5000 inputs (at most 60 s) without a
# crash, leak or sanitizer report (`make fuzz` runs each longer).
source "$(dirname "$0")/../lib.sh"
command -v clang >/dev/null || fail "clang is needed for the fuzz targets (scripts/setup.sh installs it)"
BUILD=$(basename "$(dirname "$MEMMON")")
FUZZ_RUNS=5000 "$MEMMON_ROOT/tests/fuzz/run.sh" 60 "$BUILD" >"$TMPD/fuzz.log" 2>&1 || { cat "$TMPD/fuzz.log"; fail "a fuzzer failed"; }
cat "$TMPD/fuzz.log"
n=0
for h in "$MEMMON_ROOT"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$h" .c)
	runs=$(sed -n "s/^$name: \([0-9]*\) runs, 0 crashes$/\1/p" "$TMPD/fuzz.log")
	[ -n "$runs" ] || fail "$name did not report"
	assert_ge "$runs" 5000 "$name runs"
	n=$((n + 1))
done
assert_ge "$n" 4 "harnesses run"
echo "ok: $n harnesses"
