#!/usr/bin/env bash
# Cost of tracing malloc/free pairs, measured side by side in one run:
#   untraced; bpftrace counting uprobes on malloc entry, malloc return and free entry
#   (the naive floor of any entry-probing leak tracer); memmon leak with stacks on.
# Prints ns per pair for each and the ratio memmon / naive floor (target <= 0.4), and
# checks that memmon lost no free: the benchmark frees everything it allocates.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300000}
ROUNDS=${ROUNDS:-3}
make -s build/memmon
mkdir -p build/bench
gcc -O2 -g -fno-omit-frame-pointer bench/alloc_pairs.c -o build/bench/alloc_pairs
LIBC=$(ldd build/bench/alloc_pairs | awk '/libc.so/{print $3}')
B=build/bench/alloc_pairs
naive='uprobe:'$LIBC':malloc { @m = count(); } uretprobe:'$LIBC':malloc { @r = count(); } uprobe:'$LIBC':free { @f = count(); }'
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
u=() n=() m=() ratios=()
for r in $(seq "$ROUNDS"); do
	u+=("$($B "$N")")
	n+=("$(bpftrace -e "$naive" -c "$B $N" 2>/dev/null | grep -E '^[0-9.]+$' | head -1)")
	out=$(build/memmon leak --json -- $B "$N" 2>&1) # with --json the program's stdout goes to stderr
	m+=("$(grep -E '^[0-9.]+$' <<<"$out" | head -1)")
	json=$(grep '^{' <<<"$out")
	left=$(jq -r 'select(.type=="leak_stack" and (.frames[0].module // "" | endswith("alloc_pairs"))) | .count' <<<"$json" | awk '{s+=$1} END {print s+0}')
	lost=$(jq -r 'select(.type=="leak_summary") | .lost_events + .allocs_dropped + .pending_dropped' <<<"$json")
	ratios+=("$(awk -v m="${m[-1]}" -v n="${n[-1]}" 'BEGIN { printf "%.3f", m / n }')")
	echo "round $r: untraced ${u[-1]} ns/pair, naive floor ${n[-1]} ns/pair, memmon ${m[-1]} ns/pair (ratio ${ratios[-1]}); blocks memmon still counts as live: $left, dropped: $lost"
done
U=$(printf '%s\n' "${u[@]}" | median); NF=$(printf '%s\n' "${n[@]}" | median); M=$(printf '%s\n' "${m[@]}" | median)
R=$(printf '%s\n' "${ratios[@]}" | median)
echo "median of $ROUNDS rounds, $N pairs each: untraced $U ns, naive floor $NF ns, memmon leak $M ns per pair"
awk -v r="$R" -v m="$M" -v u="$U" 'BEGIN { printf "ratio memmon/naive-floor (median of per-round ratios): %.2f (target <= 0.40); memmon/untraced: %.0fx\n", r, m / u }'
bench/stack_walk.sh leak
