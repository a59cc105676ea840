#!/usr/bin/env bash
# Times `memmon ps` over all processes beside smem (same columns), side by side in one run,
# and prints the ratios. usage: bench/ps.sh [BUILD_DIR] [RUNS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEMMON="$ROOT/${1:-build}/memmon"
RUNS=${2:-10}
command -v smem >/dev/null || { echo "smem is not installed" >&2; exit 1; }
[ -x "$MEMMON" ] || { echo "build $MEMMON first (make)" >&2; exit 1; }

# Nanoseconds for RUNS runs of the command, output discarded.
time_runs() {
	local start end
	start=$(date +%s%N)
	for ((i = 0; i < RUNS; i++)); do "$@" >/dev/null 2>&1; done
	end=$(date +%s%N)
	echo $((end - start))
}
ms() { awk -v t="$1" -v n="$RUNS" 'BEGIN {printf "%.1f", t / n / 1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", a / b}'; }

nproc_listed=$("$MEMMON" ps --json 2>/dev/null | jq -r 'select(.type == "total") | .processes')
t_rollup=$(time_runs "$MEMMON" ps)
t_smaps=$(time_runs "$MEMMON" ps --smaps)
t_smem=$(time_runs smem -c "pid user command swap uss pss rss vss")
t_map=$(time_runs "$MEMMON" ps --by mapping)
t_smem_map=$(time_runs smem -m)
printf 'processes: %s, runs: %s\n' "$nproc_listed" "$RUNS"
printf '%-34s %10s\n' "command" "ms/run"
printf '%-34s %10s\n' "memmon ps (smaps_rollup)" "$(ms "$t_rollup")"
printf '%-34s %10s\n' "memmon ps --smaps" "$(ms "$t_smaps")"
printf '%-34s %10s\n' "smem" "$(ms "$t_smem")"
printf '%-34s %10s\n' "memmon ps --by mapping" "$(ms "$t_map")"
printf '%-34s %10s\n' "smem -m" "$(ms "$t_smem_map")"
printf 'ratio smem / memmon ps:              %s\n' "$(ratio "$t_smem" "$t_rollup")"
printf 'ratio smem / memmon ps --smaps:      %s\n' "$(ratio "$t_smem" "$t_smaps")"
printf 'ratio smem -m / memmon ps --by mapping: %s\n' "$(ratio "$t_smem_map" "$t_map")"
