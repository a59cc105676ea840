#!/usr/bin/env bash
# Cost per page fault: untraced, under `memmon faults` (the program launched, system-wide,
# and the cheaper --by process view), and under bpftrace's
#   software:page-faults:1 { @[ustack, pid, comm] = count(); }
# measured side by side in one run. The workload faults N anonymous pages ROUNDS times
# (MADV_DONTNEED between rounds) and reports its CPU time per fault (steadier than wall time
# on a shared machine); each setup runs REPS times, median kept.
# With BPF_STATS=1 it also prints the run time per call of each tracer's BPF program
# (kernel.bpf_stats_enabled is switched on for that part and restored).
# usage: bench/faults.sh [BUILD]   (root; run from the repository)
set -uo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEMMON=$ROOT/$BUILD/memmon
W=$ROOT/$BUILD/workloads/fault_touch
N=${N:-16384} ROUNDS=${ROUNDS:-20} REPS=${REPS:-5}
[ "$(id -u)" = 0 ] || { echo "bench/faults.sh: needs root" >&2; exit 1; }
[ -x "$W" ] && [ -x "$MEMMON" ] || { echo "bench/faults.sh: build first (make)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/memmon-bench-faults.XXXXXX)
BG=
cleanup() { [ -n "$BG" ] && kill "$BG" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# CPU time per fault of the workload (the BPF programs run in its context).
ns_of() { sed -n 's/^cpu_ns_per_fault //p' "$1"; }

# Starts a tracer in the background and waits until its probes are attached.
start_bg() {
	local ready=$1; shift
	"$@" >"$TMP/bg.out" 2>"$TMP/bg.err" &
	BG=$!
	for _ in $(seq 300); do
		grep -q "$ready" "$TMP/bg.out" "$TMP/bg.err" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench/faults.sh: tracer did not start: $(cat "$TMP/bg.err")" >&2
	exit 1
}
stop_bg() { kill -INT "$BG" 2>/dev/null; wait "$BG" 2>/dev/null; BG=; }

# Setups take turns, one run each per round, so drifting load on a shared machine
# affects all of them alike; the median per setup is kept.
one() { "$@" >"$TMP/out" 2>/dev/null; ns_of "$TMP/out"; }
: >"$TMP/base"; : >"$TMP/launched"; : >"$TMP/sys_stack"; : >"$TMP/sys_proc"; : >"$TMP/bt"
for _ in $(seq "$REPS"); do
	one "$W" anon "$N" "$ROUNDS" >>"$TMP/base"
	one "$MEMMON" faults -- "$W" anon "$N" "$ROUNDS" >>"$TMP/launched"
	start_bg "tracing page faults" "$MEMMON" faults
	one "$W" anon "$N" "$ROUNDS" >>"$TMP/sys_stack"
	stop_bg
	start_bg "tracing page faults" "$MEMMON" faults --by process
	one "$W" anon "$N" "$ROUNDS" >>"$TMP/sys_proc"
	stop_bg
	start_bg "Attaching" bpftrace -e 'software:page-faults:1 { @[ustack, pid, comm] = count(); }'
	one "$W" anon "$N" "$ROUNDS" >>"$TMP/bt"
	stop_bg
done
base=$(median <"$TMP/base") launched=$(median <"$TMP/launched") sys_stack=$(median <"$TMP/sys_stack")
sys_proc=$(median <"$TMP/sys_proc") bt=$(median <"$TMP/bt")

awk -v b="$base" -v l="$launched" -v s="$sys_stack" -v p="$sys_proc" -v t="$bt" \
    -v n="$N" -v r="$ROUNDS" -v reps="$REPS" 'BEGIN {
	printf "cost per page fault (%d faults per run, median of %d runs)\n", n * r, reps
	printf "%-44s %9s %9s %12s\n", "setup", "cpu ns/fault", "x untraced", "added vs bpftrace"
	row("untraced", b)
	row("memmon faults -- PROGRAM (stack view)", l)
	row("memmon faults, system-wide (stack view)", s)
	row("memmon faults --by process, system-wide", p)
	row("bpftrace @[ustack, pid, comm] = count()", t)
	exit
}
function row(name, v) {
	added = (t - b) > 0 ? sprintf("%.2f", (v - b) / (t - b)) : "-"
	printf "%-44s %9.1f %9.2f %12s\n", name, v, v / b, added
}'

[ "${BPF_STATS:-0}" = 1 ] || exit 0
# ns per run of the perf_event programs attached now, weighted by calls.
prog_ns() {
	bpftool prog show -j | python3 -c '
import json, sys
runs = ns = 0
for p in json.load(sys.stdin):
    if p.get("type") == "perf_event" and p.get("run_cnt") and p.get("name", "") in sys.argv[1:]:
        runs += p["run_cnt"]; ns += p["run_time_ns"]
print("%.0f" % (ns / runs) if runs else "-")' "$@"
}
stats_old=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$stats_old" > /proc/sys/kernel/bpf_stats_enabled; cleanup' EXIT
echo 1 > /proc/sys/kernel/bpf_stats_enabled
echo
echo "BPF program run time per call (kernel.bpf_stats_enabled; all processes' faults)"
for view in stack process file; do
	start_bg "tracing page faults" "$MEMMON" faults --comm fault_touch --by $view
	"$W" anon "$N" "$ROUNDS" >/dev/null
	printf "%-44s %9s ns\n" "memmon faults --comm fault_touch --by $view" "$(prog_ns on_minor_fault on_major_fault)"
	stop_bg
done
start_bg "Attaching" bpftrace -e 'software:page-faults:1 { @[ustack, pid, comm] = count(); }'
"$W" anon "$N" "$ROUNDS" >/dev/null
printf "%-44s %9s ns\n" "bpftrace @[ustack, pid, comm] = count()" "$(prog_ns 1)"
stop_bg
"$ROOT/bench/stack_walk.sh" faults
