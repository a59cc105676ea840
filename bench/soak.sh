#!/usr/bin/env bash
# Soak test (not in CI: it runs for SECONDS, default 600): memmon leak on a 2-thread
# program making a million malloc/free pairs a second, reporting every 5 s. Samples
# memmon's RSS every 5 s and checks, at the end: RSS flat (the last sample within 10% +
# 2 MiB of the one at 60 s: by then the first reports have loaded the symbols, which is a
# step, not growth), no event lost, the final count exact (the KEEP blocks the program
# leaks on purpose, 100 bytes each, and nothing else of its own).
# usage: bench/soak.sh [SECONDS [RATE]]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}
RATE=${2:-1000000}
KEEP=1000
make -s build/memmon
mkdir -p build/bench
gcc -O2 -g -fno-omit-frame-pointer -pthread bench/soak_alloc.c -o build/bench/soak_alloc
OUT=$(mktemp -d /tmp/memmon-soak.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
build/memmon leak --json -i 5 -- build/bench/soak_alloc "$SECS" "$RATE" "$KEEP" \
	>"$OUT/leak.json" 2>"$OUT/leak.err" & m=$!
: >"$OUT/rss"
start=$(date +%s)
while kill -0 $m 2>/dev/null; do
	rss=$(ps -o rss= -p $m 2>/dev/null | tr -d ' ') || true
	[ -n "$rss" ] && echo "$(($(date +%s) - start)) $rss" >>"$OUT/rss"
	sleep 5
done
wait $m || { cat "$OUT/leak.err"; echo "memmon leak failed"; exit 1; }
pairs=$(sed -n 's/^pairs \([0-9]*\) keep.*/\1/p' "$OUT/leak.err")
reports=$(jq -s '[.[] | select(.type=="leak_interval")] | length' "$OUT/leak.json")
read -r lost dropped <<<"$(jq -r 'select(.type=="leak_summary") | "\(.lost_events) \(.allocs_dropped + .pending_dropped)"' "$OUT/leak.json")"
# the program's own blocks at the end: stacks whose first frame is in soak_alloc
read -r count bytes <<<"$(jq -r 'select(.type=="leak_stack" and .final and (.frames[0].module // "" | endswith("soak_alloc"))) | "\(.count) \(.bytes)"' "$OUT/leak.json" | awk '{c+=$1; b+=$2} END {print c+0, b+0}')"
first=$(awk '$1 >= 60 {print $2; exit}' "$OUT/rss") # symbols loaded, tables sized
[ -n "$first" ] || first=$(head -1 "$OUT/rss" | awk '{print $2}')
last=$(tail -1 "$OUT/rss" | awk '{print $2}')
max=$(awk '$2>m {m=$2} END {print m}' "$OUT/rss")
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"
echo "ran ${SECS}s asking $RATE pairs/s: $pairs malloc/free pairs done ($((pairs / SECS))/s under tracing), $reports reports"
echo "memmon RSS (kB) by minute: $(awk '$1 % 60 < 5 {printf "%s%ds %d", n++ ? ", " : "", $1, $2}' "$OUT/rss")"
echo "memmon RSS (kB): at 60 s $first, at the end $last, peak $max ($(wc -l <"$OUT/rss") samples)"
echo "lost events: $lost, allocations dropped: $dropped"
echo "final: $count blocks, $bytes bytes of the program's own (expected $KEEP, $((KEEP * 100)))"
ok=1
[ "$lost" = 0 ] && [ "$dropped" = 0 ] || { echo "FAIL: events lost"; ok=0; }
[ "$count $bytes" = "$KEEP $((KEEP * 100))" ] || { echo "FAIL: final count not exact"; ok=0; }
[ "$last" -le $((first * 11 / 10 + 2048)) ] || { echo "FAIL: RSS grew"; ok=0; }
[ $ok = 1 ] && echo "ok: soak"
