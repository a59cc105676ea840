#!/usr/bin/env bash
# Builds every libFuzzer harness (tests/fuzz/fuzz_*.c, `make fuzz-build`) and runs each for
# SECONDS, from its seed corpus tests/fuzz/corpus/HARNESS/ when there is one, with inputs up
# to the harness's "// fuzz-max-len:" (default 4096). Prints one line per harness:
# "HARNESS: N runs, 0 crashes" (libFuzzer's own output on a crash). With FUZZ_RUNS=N in the
# environment each harness stops after N runs instead, SECONDS being only the cap (a test
# then asks for a number of runs, which a loaded machine also reaches, only later).
# usage: tests/fuzz/run.sh [SECONDS [BUILD [HARNESS...]]]   (default 30 s, build, all)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-30}
BUILD=${2:-build}
shift $(( $# > 2 ? 2 : $# ))
cd "$ROOT"
make -s BUILD="$BUILD" fuzz-build >/dev/null
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=($(ls tests/fuzz/fuzz_*.c | xargs -n1 basename | sed 's/\.c$//'))
OUT=$(mktemp -d /tmp/memmon-fuzz.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
rc=0
for h in "${harnesses[@]}"; do
	mkdir -p "$OUT/$h"
	[ -d "tests/fuzz/corpus/$h" ] && cp "tests/fuzz/corpus/$h"/* "$OUT/$h/"
	log="$OUT/$h.log"
	# a harness may ask for longer inputs (file readers): "// fuzz-max-len: N"
	max_len=$(sed -n 's|^// fuzz-max-len: *||p' "tests/fuzz/$h.c")
	if (cd "$OUT" && "$ROOT/$BUILD/fuzz/$h" -max_total_time="$SECS" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} -max_len="${max_len:-4096}" -timeout=5 \
		-rss_limit_mb=1024 -print_final_stats=1 "$OUT/$h") >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "$h: ${runs:-0} runs, 0 crashes"
	else
		rc=1
		echo "$h: FAILED"
		tail -40 "$log"
	fi
done
exit $rc
