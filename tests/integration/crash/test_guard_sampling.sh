#!/usr/bin/env bash
# Sampling, stated honestly. With --sample-rate N every allocation is guarded independently
# with probability 1/N (per-thread geometric gaps between guarded ones), so a bug in one
# particular block is caught in a fraction 1/N of runs, provided a slot is free (pool_full
# counts the times none was); a bug repeated in k blocks is caught with 1-(1-1/N)^k.
# 1. The rate: 1,000,000 allocations at N=100 guard Binomial(1e6, 0.01) blocks: 10000,
#    sigma 99.5; we accept +-600 (6 sigma: a false failure about once in 5e8 runs).
# 2. A program that overflows one block among a million is caught exactly in the runs
#    where that block was sampled (it prints whether it was: a guarded block's usable size
#    is exactly its size), so the fraction of runs that catch it is the sampling fraction
#    1/N checked in 1. Six runs at N=8 (each guards ~125000 blocks: ~1.3 s).
# 3. At the default rate (5000), a 1-byte overflow of every one of a million blocks is
#    caught: the chance of missing is (1-1/5000)^1e6 = e^-200.
source "$(dirname "$0")/../lib.sh"
BIN="$WORKLOADS/guard_bugs"

"$MEMMON" guard --json --sample-rate 100 -- "$BIN" million -1 >"$TMPD/rate.out" 2>&1 || fail "rate run: $(cat "$TMPD/rate.out")"
grep '^{' "$TMPD/rate.out" >"$TMPD/rate.json"
guarded=$(jq -r 'select(.type=="guard_summary") | .guarded' "$TMPD/rate.json")
assert_eq "$(jq -r 'select(.type=="guard_summary") | .pool_full' "$TMPD/rate.json")" 0 "pool_full"
assert_ge "$guarded" 9400 "guarded of 1e6 at rate 100"
assert_le "$guarded" 10600 "guarded of 1e6 at rate 100"

one_run() { # one_run I: a million blocks, block 500000 overflowed, rate 8
	"$MEMMON" guard --json --sample-rate 8 -- "$BIN" million 500000 >"$TMPD/one.$1" 2>&1
	echo $? >"$TMPD/one.$1.rc"
}
for i in 1 3 5; do one_run $i & one_run $((i + 1)) & wait; done
caught=0 sampled=0
for i in 1 2 3 4 5 6; do
	g=0 c=0
	grep -q "^victim guarded" "$TMPD/one.$i" && g=1
	grep -q '"kind":"heap-buffer-overflow"' "$TMPD/one.$i" && c=1
	assert_eq "$c" "$g" "run $i: caught iff the overflowed block was sampled"
	if [ $c = 1 ]; then
		assert_eq "$(cat "$TMPD/one.$i.rc")" 139 "run $i exit status"
		grep '^{' "$TMPD/one.$i" | jq -r 'select(.type=="guard_error") | "\(.block_size) \(.bytes_past_end) \(.fault_stack[0].symbol)"' >"$TMPD/facts"
		assert_eq "$(cat "$TMPD/facts")" "32 1 million" "run $i report"
	else
		assert_eq "$(cat "$TMPD/one.$i.rc")" 0 "run $i exit status"
		assert_eq "$(grep '"type":"guard_summary"' "$TMPD/one.$i" | jq -r .pool_full)" 0 "run $i pool_full"
	fi
	caught=$((caught + c))
done
echo "one overflowed block in 1e6, rate 8: caught in $caught of 6 runs (expected 0.75)"

"$MEMMON" guard --json -- "$BIN" million all >"$TMPD/all.out" 2>&1
assert_eq $? 139 "default rate, every block overflowed: exit status"
assert_eq "$(grep '^{' "$TMPD/all.out" | jq -r 'select(.type=="guard_error") | "\(.kind) \(.block_size) \(.bytes_past_end)"')" "heap-buffer-overflow 32 1" "default-rate report"
echo ok
