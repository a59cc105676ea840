#!/usr/bin/env bash
# Cost of a heap profile per malloc/free pair, side by side in one run, on alloc_pairs built
# as distributions build code (-O2, no frame pointers): untraced; heaptrack (LD_PRELOAD,
# libunwind); memmon leak (uprobes); memmon heap exact and sampled (--sample-bytes 524288).
# Each figure is the program's own CPU ns per pair around its loop (alloc_pairs prints it).
# Targets: memmon heap exact <= 0.25 of heaptrack; sampled <= 1.05x untraced.
# Also memmon heap's own peak RSS (from /proc/PID/status VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
make -s build/memmon build/libmemmon_heap.so
mkdir -p build/bench
gcc -O2 -g -fomit-frame-pointer bench/alloc_pairs.c -o build/bench/alloc_pairs_o2
B=build/bench/alloc_pairs_o2
T=$(mktemp -d /tmp/memmon-bench-heap.XXXXXX)
trap 'rm -rf "$T"' EXIT
command -v heaptrack >/dev/null || { echo "heaptrack is not installed (scripts/setup.sh)"; exit 1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
num() { grep -E '^[0-9.]+$' | head -1; }
# memmon heap's peak RSS: its VmHWM read just before it exits is not reachable from here,
# so the report is run under a watcher that samples it.
hwm() { awk '/VmHWM/{print $2}' "/proc/$1/status" 2>/dev/null || true; }
u=() h=() l=() e=() s=() rss=()
for r in $(seq "$ROUNDS"); do
	u+=("$($B "$N" | num)")
	h+=("$(cd "$T" && heaptrack -o "$T/ht.$r" "$OLDPWD/$B" "$N" 2>/dev/null | num)")
	l+=("$(build/memmon leak --json -- $B "$N" 2>&1 >/dev/null | num)")
	build/memmon heap --json -- $B "$N" >"$T/exact.json" 2>"$T/exact.err" &
	mp=$!
	peak=0
	while kill -0 "$mp" 2>/dev/null; do
		v=$(hwm "$mp"); [ -n "$v" ] && [ "$v" -gt "$peak" ] && peak=$v
		sleep 0.05
	done
	wait "$mp"
	rss+=("$peak")
	e+=("$(num <"$T/exact.err")")
	lost=$(jq -r 'select(.type=="heap_summary") | "\(.allocations) allocations, lost \(.lost_events), waits \(.ring_waits)"' "$T/exact.json")
	s+=("$(build/memmon heap --json --sample-bytes 524288 -- $B "$N" 2>&1 >/dev/null | num)")
	echo "round $r: untraced ${u[-1]}, heaptrack ${h[-1]}, memmon leak ${l[-1]}, memmon heap exact ${e[-1]} ($lost; memmon peak RSS ${peak} kB), sampled ${s[-1]} ns/pair"
done
U=$(printf '%s\n' "${u[@]}" | median); H=$(printf '%s\n' "${h[@]}" | median)
L=$(printf '%s\n' "${l[@]}" | median); E=$(printf '%s\n' "${e[@]}" | median)
S=$(printf '%s\n' "${s[@]}" | median); R=$(printf '%s\n' "${rss[@]}" | median)
lscpu | grep 'Model name' | sed 's/  */ /g'
echo "median of $ROUNDS rounds, $N pairs each (ns of the program's CPU per pair):"
printf '  %-26s %8s\n' untraced "$U" heaptrack "$H" "memmon leak" "$L" "memmon heap (exact)" "$E" "memmon heap --sample-bytes 512k" "$S"
awk -v e="$E" -v h="$H" -v s="$S" -v u="$U" -v l="$L" 'BEGIN {
	printf "  exact/heaptrack: %.3f (target <= 0.25); exact/leak: %.3f; sampled/untraced: %.3f (target <= 1.05)\n", e / h, e / l, s / u }'
echo "  memmon heap's own peak RSS (exact, $N pairs): $R kB"
