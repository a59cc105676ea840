#!/usr/bin/env bash
# Runs the unit tests (cmocka) and every tests/integration/FAMILY/test_*.sh against BUILD/memmon.
# An integration test exits 0 (pass), 77 (skip: no BPF on this machine) or else (fail).
# Under CI (CI=true) a skip is a failure: CI runs as root on a kernel with BPF.
set -uo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export MEMMON="$ROOT/$BUILD/memmon" WORKLOADS="$ROOT/$BUILD/workloads" MEMMON_ROOT="$ROOT"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0 skip=0 failed=()
# MEMMON_SKIP_UNIT=1: integration tests only (scripts/test-kernel.sh: the unit tests do not depend on the kernel).
for t in "$ROOT/$BUILD"/tests/test_*; do
	[ "${MEMMON_SKIP_UNIT:-}" = 1 ] && break
	[ -x "$t" ] || continue
	if "$t" >"/tmp/memmon-unit.$$" 2>&1; then pass=$((pass + 1)); echo "PASS unit $(basename "$t")"
	else fail=$((fail + 1)); failed+=("unit/$(basename "$t")"); echo "FAIL unit $(basename "$t")"; cat "/tmp/memmon-unit.$$"; fi
done
rm -f "/tmp/memmon-unit.$$"
filter=${MEMMON_TESTS:-}
for t in "$ROOT"/tests/integration/*/test_*.sh; do
	name=$(basename "$t" .sh)
	[ -n "$filter" ] && [[ ! "$name" =~ $filter ]] && continue
	log="/tmp/memmon-$name.$$.log"
	start=$(date +%s)
	timeout -k 10 $((300 * ${MEMMON_SLOW:-1})) bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc = 0 ]; then pass=$((pass + 1)); echo "PASS $name (${secs}s)"
	elif [ $rc = 77 ] && [ "${CI:-}" != true ]; then skip=$((skip + 1)); echo "SKIP $name: $(tail -1 "$log")"
	else fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (rc=$rc, ${secs}s)"; sed 's/^/    /' "$log" | tail -150; fi
	rm -f "$log"
done
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
