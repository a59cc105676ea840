#!/usr/bin/env bash
# The cost `memmon segv` adds to every user page fault on the system (its
# exceptions:page_fault_user program runs on each one): a page-fault-heavy program
# (bench/segv_faults.c, 500000 faults) measured with and without a system-wide
# `memmon segv` running, alternately in one run; CPU time per fault, median of REPS each.
# Needs root. Usage: bench/segv.sh [BUILD] [REPS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
REPS=${2:-9}
MEMMON="$ROOT/$BUILD/memmon"
TMP=$(mktemp -d /tmp/memmon-bench-segv.$$.XXXXXX)
mon=
trap '[ -n "$mon" ] && kill -INT $mon 2>/dev/null; rm -rf "$TMP"' EXIT
gcc -O2 "$ROOT/bench/segv_faults.c" -o "$TMP/faults"
for ((i = 0; i < REPS; i++)); do
	"$TMP/faults" >>"$TMP/off"
	"$MEMMON" segv -d 60 >/dev/null 2>&1 & mon=$!
	sleep 1.5 # attached
	"$TMP/faults" >>"$TMP/on"
	kill -INT $mon; wait $mon || true; mon=
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
off=$(median <"$TMP/off") on=$(median <"$TMP/on")
printf "page fault without memmon segv: %.0f ns CPU\n" "$off"
printf "page fault with memmon segv:    %.0f ns CPU   ratio %.3f\n" "$on" "$(awk -v a="$on" -v b="$off" 'BEGIN {print a / b}')"
