#!/usr/bin/env bash
# Overhead of the pressure probes on an allocation-heavy kernel workload (create/close a pipe
# and a UNIX socket, ITER times), measured side by side in one run: the workload alone, then
# with each command tracing. Each configuration alternates untraced and traced runs (RUNS
# each) so drift on a shared machine hits both; the time is the workload's CPU time (BPF
# programs run in its context count as its system time). Prints medians and the ratio.
# `leak --kernel` and `pages` take a kernel stack on every allocation (the stack store's
# cost); ONLY=REGEX runs just the configurations matching it.
# Usage: [ONLY=REGEX] bench/pressure.sh [BUILD] [ITER] [RUNS]   (root)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
ITER=${2:-200000}
RUNS=${3:-5}
MEMMON=$ROOT/$BUILD/memmon
WL=$ROOT/$BUILD/workloads/kmem_churn
[ -x "$MEMMON" ] && [ -x "$WL" ] || { echo "build first: make $BUILD/memmon workloads" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
TMP=$(mktemp -d /tmp/memmon-bench-pressure.XXXXXX)
TRACER=
cleanup() { [ -n "$TRACER" ] && kill -INT "$TRACER" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# Starts memmon with the given arguments and waits until its probes are attached.
start_tracer() {
	"$MEMMON" "$@" >"$TMP/out" 2>"$TMP/err" &
	TRACER=$!
	for _ in $(seq 100); do grep -q "tracing" "$TMP/err" && return 0; sleep 0.1; done
	cat "$TMP/err" >&2
	return 1
}
stop_tracer() { kill -INT "$TRACER"; wait "$TRACER" 2>/dev/null; TRACER=; }

printf "%-44s %12s %12s %8s\n" "configuration" "untraced s" "traced s" "ratio"
configs=(
	"kmem --no-pages -i 3600"
	"kmem -i 3600"
	"kmem --comm nosuchtask -i 3600"
	"kmem --stacks --no-pages -i 3600"
	"leak --kernel -i 0"
	"pages"
	"reclaim -i 3600"
	"drsnoop"
	"compact -i 3600"
	"oom"
)
for c in "${configs[@]}"; do
	[[ "$c" =~ ${ONLY:-.} ]] || continue
	: >"$TMP/base"
	: >"$TMP/traced"
	for _ in $(seq "$RUNS"); do
		"$WL" "$ITER" >>"$TMP/base"
		# shellcheck disable=SC2086
		start_tracer $c || { echo "memmon $c did not start" >&2; continue 2; }
		"$WL" "$ITER" >>"$TMP/traced"
		stop_tracer
	done
	b=$(median <"$TMP/base")
	t=$(median <"$TMP/traced")
	printf "%-44s %12.4f %12.4f %8.3f\n" "memmon $c" "$b" "$t" "$(echo "$t / $b" | bc -l)"
done
