#!/usr/bin/env bash
# The libFuzzer target of the page_owner parser runs for 10 s without a crash, leak or
# sanitizer report (tests/fuzz/run.sh SECONDS runs it longer).
source "$(dirname "$0")/lib.sh"
command -v clang >/dev/null || fail "clang is needed for the fuzz target (scripts/setup.sh installs it)"
"$MEMMON_ROOT/tests/fuzz/run.sh" 10 >"$TMPD/fuzz.log" 2>&1 || { cat "$TMPD/fuzz.log"; fail "fuzzer failed"; }
assert_contains "$TMPD/fuzz.log" "stat::number_of_executed_units"
assert_not_contains "$TMPD/fuzz.log" "ERROR"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMPD/fuzz.log")
assert_ge "$runs" 10000 "fuzz runs"
echo "ok: $runs runs"
