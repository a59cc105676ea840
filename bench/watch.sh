#!/usr/bin/env bash
# Cost per page fault of `memmon watch` beside an untraced run and beside bpftrace counting
# the same tracepoint (exceptions:page_fault_user for the same pid), measured side by side
# in one run: ROUNDS rounds, the order of the configurations rotated each round, median
# ns per fault (timed inside the workload's touch loop) and ratios to the untraced median.
# Then: 2 GiB of anonymous memory faulted in as fast as possible under `memmon watch` at
# the default buffer size (8 MiB), log to /dev/null: events logged and events lost.
# Usage: bench/watch.sh [BUILD] [ROUNDS] [SIZE]   (defaults: build 5 256M). Needs root.
set -uo pipefail
BUILD=${1:-build}
ROUNDS=${2:-5}
SIZE=${3:-256M}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEMMON=$ROOT/$BUILD/memmon
STORM=$ROOT/$BUILD/workloads/fault_storm
[ -x "$MEMMON" ] && [ -x "$STORM" ] || { echo "build first: make $BUILD/memmon workloads" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
MAP=/sys/fs/bpf/memmon-bench-watch-$$/watch_pids
OUT=$(mktemp -d /tmp/memmon-bench-watch.XXXXXX)
trap 'rm -rf "$OUT" /sys/fs/bpf/memmon-bench-watch-$$' EXIT

run_untraced() { "$STORM" "$SIZE" 2>&1 >/dev/null; }
run_watch() { "$MEMMON" watch --no-symbols --map "$MAP" -- "$STORM" "$SIZE" 2>&1 >/dev/null; }
run_watch_sym() { "$MEMMON" watch --map "$MAP" -- "$STORM" "$SIZE" 2>&1 >/dev/null; }
run_bpftrace() {
	bpftrace -e 'tracepoint:exceptions:page_fault_user /pid == cpid/ { @faults = count(); }' \
		-c "$STORM $SIZE" 2>&1 >/dev/null
}
configs=(untraced watch watch_sym bpftrace)
for ((r = 0; r < ROUNDS; r++)); do
	for ((k = 0; k < ${#configs[@]}; k++)); do
		c=${configs[$(((k + r) % ${#configs[@]}))]}
		ns=$(run_$c | awk '/^pages/ {print $4}')
		echo "$ns" >>"$OUT/$c"
	done
done
median() { sort -g "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
base=$(median "$OUT/untraced")
bt=$(median "$OUT/bpftrace")
echo "fault cost, $SIZE of anonymous memory, $ROUNDS rounds, median ns per fault (all runs):"
for c in "${configs[@]}"; do
	m=$(median "$OUT/$c")
	printf "  %-28s %9.0f ns  x%.2f untraced  x%.2f bpftrace   (%s)\n" \
		"$(case $c in untraced) echo untraced;; watch) echo "memmon watch --no-symbols";;
		   watch_sym) echo "memmon watch";; bpftrace) echo "bpftrace count()";; esac)" \
		"$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {print a / b}')" "$(awk -v a="$m" -v b="$bt" 'BEGIN {print a / b}')" "$(paste -sd' ' "$OUT/$c")"
done

echo "2 GiB faulted in as fast as possible, memmon watch at the default buffer size:"
for opt in --no-symbols ""; do
	"$MEMMON" watch $opt --map "$MAP" -- "$STORM" 2G >/dev/null 2>"$OUT/big.err"
	printf "  memmon watch %-13s %s; %s\n" "$opt" "$(awk '/^pages/ {print $2 " faults, " $4 " ns/fault"}' "$OUT/big.err")" \
		"$(grep -o '[0-9]* events, [0-9]* lost' "$OUT/big.err")"
done
