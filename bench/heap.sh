#!/usr/bin/env bash
# Cost of a heap profile per malloc/free pair, side by side in one run, on programs built as
# distributions build code (-O2, no frame pointers): alloc_pairs (the loop right in main, a
# 5-frame stack) and deep_stack (the same loop under 15 frames). For each: untraced;
# heaptrack (LD_PRELOAD, libunwind); memmon heap exact and sampled (--sample-bytes 524288);
# memmon leak (uprobes) once, on alloc_pairs. Each figure is the program's own CPU ns per
# pair around its loop (the programs print it; the tools' own processes are not in it: see
# bench/heap_real.sh for whole-run CPU).
# The tools run in turn within each round and each ratio is taken within its round, then
# the median over rounds is printed: this machine's speed drifts by 30% from minute to
# minute, and only what ran side by side compares.
#   cost: the traced ns per pair minus the untraced (what the tool adds)
#   targets: exact's cost <= 0.25 of heaptrack's; sampled <= 1.05x untraced
# Also memmon heap's own peak RSS in exact mode (from /proc/PID/status VmHWM).
# usage: bench/heap.sh   (N=pairs per run, ROUNDS=rounds; defaults 1000000 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
ROUNDS=${ROUNDS:-5}
make -s build/memmon build/libmemmon_heap.so
mkdir -p build/bench
gcc -O2 -g -fomit-frame-pointer bench/alloc_pairs.c -o build/bench/alloc_pairs_o2
gcc -O2 -g -fomit-frame-pointer bench/deep_stack.c -o build/bench/deep_stack_o2
T=$(mktemp -d /tmp/memmon-bench-heap.XXXXXX)
trap 'rm -rf "$T"' EXIT
command -v heaptrack >/dev/null || { echo "heaptrack is not installed (scripts/setup.sh)"; exit 1; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
num() { grep -E '^[0-9.]+$' | head -1; }
hwm() { awk '/VmHWM/{print $2}' "/proc/$1/status" 2>/dev/null || true; }
lscpu | grep 'Model name' | sed 's/  */ /g'

# one program: ROUNDS rounds of untraced, heaptrack, exact, sampled; prints the medians
bench_one() { # NAME PROGRAM ARGS...
	local name=$1; shift
	set -- "$(realpath "$1")" "${@:2}" # heaptrack runs in $T
	local u h e s rss=() ratio_eh=() cost_eh=() ratio_su=() lost=""
	for r in $(seq "$ROUNDS"); do
		u=$("$@" | num)
		h=$(cd "$T" && heaptrack -o "$T/ht.$name.$r" "$@" 2>/dev/null | num)
		rm -f "$T"/ht.*
		build/memmon heap --json -- "$@" >"$T/exact.json" 2>"$T/exact.err" &
		local mp=$! peak=0 v
		while kill -0 "$mp" 2>/dev/null; do # memmon's peak RSS: sampled from outside
			v=$(hwm "$mp"); [ -n "$v" ] && [ "$v" -gt "$peak" ] && peak=$v
			sleep 0.05
		done
		wait "$mp"
		e=$(num <"$T/exact.err")
		lost=$(jq -r 'select(.type=="heap_summary") | "\(.allocations) allocations, lost \(.lost_events), waits \(.ring_waits)"' "$T/exact.json")
		s=$(build/memmon heap --json --sample-bytes 524288 -- "$@" 2>&1 >/dev/null | num)
		rss+=("$peak")
		ratio_eh+=("$(awk -v e="$e" -v h="$h" 'BEGIN {print e / h}')")
		cost_eh+=("$(awk -v e="$e" -v h="$h" -v u="$u" 'BEGIN {print (e - u) / (h - u)}')")
		ratio_su+=("$(awk -v s="$s" -v u="$u" 'BEGIN {print s / u}')")
		printf '  %-12s round %d: untraced %6.1f, heaptrack %6.1f, memmon heap exact %6.1f (%s; memmon peak RSS %s kB), sampled %6.1f ns/pair\n' \
			"$name" "$r" "$u" "$h" "$e" "$lost" "$peak" "$s"
	done
	printf '  %-12s median of %d rounds: exact/heaptrack %.3f; cost exact/heaptrack %.3f (target <= 0.25); sampled/untraced %.3f (target <= 1.05); memmon peak RSS %s kB\n' \
		"$name" "$ROUNDS" "$(printf '%s\n' "${ratio_eh[@]}" | median)" "$(printf '%s\n' "${cost_eh[@]}" | median)" \
		"$(printf '%s\n' "${ratio_su[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
}

echo "ns of the program's CPU per pair, $N pairs a run:"
bench_one alloc_pairs build/bench/alloc_pairs_o2 "$N"
bench_one deep_stack build/bench/deep_stack_o2 pairs "$N"
u=$(build/bench/alloc_pairs_o2 "$N" | num)
l=$(build/memmon leak --json -- build/bench/alloc_pairs_o2 "$N" 2>&1 >/dev/null | num)
e=$(build/memmon heap --json -- build/bench/alloc_pairs_o2 "$N" 2>&1 >/dev/null | num)
awk -v u="$u" -v l="$l" -v e="$e" 'BEGIN {
	printf "  alloc_pairs  memmon leak (uprobes) %.1f ns/pair beside untraced %.1f and memmon heap exact %.1f: exact/leak %.4f\n", l, u, e, e / l }'
