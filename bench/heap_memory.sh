#!/usr/bin/env bash
# memmon heap's memory, bounded: a program making 10 million allocations from 10,000
# sites (bench/many_sites.c, -O2, no frame pointers), side by side in one run: untraced,
# under heaptrack, under memmon heap exact and sampled (--sample-bytes 524288). Prints the
# program's own peak RSS in each (a preload library's buffers count there), memmon's peak
# RSS (sampled from /proc/PID/status VmHWM), the stacks memmon kept and its totals (exact:
# 10,000 x 1,000 allocations of the program's, 10,000 blocks leaked).
# usage: bench/heap_memory.sh [SITES [PER]]
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${1:-10000}
PER=${2:-1000}
make -s build/memmon build/libmemmon_heap.so
mkdir -p build/bench
gcc -O2 -g -fomit-frame-pointer bench/many_sites.c -o build/bench/many_sites
B=build/bench/many_sites
T=$(mktemp -d /tmp/memmon-bench-heapmem.XXXXXX)
trap 'rm -rf "$T"' EXIT
command -v heaptrack >/dev/null || { echo "heaptrack is not installed (scripts/setup.sh)"; exit 1; }
prog_hwm() { sed -n 's/^vm_hwm_kb //p' "$1" | head -1; }
watch_hwm() { # PID: memmon's peak VmHWM while it runs, kB
	local peak=0 v
	while kill -0 "$1" 2>/dev/null; do
		v=$(awk '/VmHWM/{print $2}' "/proc/$1/status" 2>/dev/null || true)
		[ -n "$v" ] && [ "$v" -gt "$peak" ] && peak=$v
		sleep 0.02
	done
	echo "$peak"
}
$B "$SITES" "$PER" >"$T/untraced"
(cd "$T" && heaptrack -o "$T/ht" "$OLDPWD/$B" "$SITES" "$PER" >"$T/heaptrack" 2>&1)
ht_file=$(ls "$T"/ht*.zst "$T"/ht*.gz 2>/dev/null | head -1 || true)
for mode in exact sampled; do
	extra=(); [ $mode = sampled ] && extra=(--sample-bytes 524288 --seed 1)
	build/memmon heap --json --top 0 "${extra[@]}" -- $B "$SITES" "$PER" >"$T/$mode.json" 2>"$T/$mode.err" & m=$!
	watch_hwm $m >"$T/$mode.memmon_hwm"
	wait $m
done
lscpu | grep 'Model name' | sed 's/  */ /g'
echo "$SITES sites x $PER allocations of 64 bytes ($((SITES * PER)) allocations, $SITES leaked)"
printf '  %-34s %10s %12s\n' "" "program" "memmon"
printf '  %-34s %7s kB %12s\n' "untraced" "$(prog_hwm "$T/untraced")" "-"
printf '  %-34s %7s kB %12s\n' "heaptrack" "$(prog_hwm "$T/heaptrack")" "(file $(du -k "$ht_file" 2>/dev/null | cut -f1) kB)"
for mode in exact sampled; do
	printf '  %-34s %7s kB %9s kB\n' "memmon heap $mode" "$(prog_hwm "$T/$mode.err")" "$(cat "$T/$mode.memmon_hwm")"
done
for mode in exact sampled; do
	jq -r --arg m "$mode" 'select(.type=="heap_summary") |
		"  \($m): \(.allocations) allocations, \(.leaked_count) leaked, \(.stacks) stacks kept, lost \(.lost_events), stacks dropped \(.stacks_dropped), ring waits \(.ring_waits), \(.seconds) s"' "$T/$mode.json"
done
# exact: the program's own allocations are all there (libc's own few on top)
jq -e --argjson n $((SITES * PER)) --argjson k "$SITES" 'select(.type=="heap_summary") |
	.allocations >= $n and .allocations < $n + 100 and .leaked_count >= $k and .leaked_count < $k + 10 and .lost_events == 0' \
	"$T/exact.json" >/dev/null && echo "ok: exact totals" || { echo "FAIL: exact totals"; exit 1; }
