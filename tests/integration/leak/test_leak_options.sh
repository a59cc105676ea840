#!/usr/bin/env bash
# Options that change what leak tracks: a bounded table that says when it is full,
# sampling, --older-than, --combined, intervals and --duration.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS

# A table of 1024 entries cannot hold 3000 leaks: the report says how many it missed.
"$MEMMON" leak --json --max-allocs 1024 -- "$W/leak_many" 3000 >"$TMPD/full" 2>/dev/null || fail "run failed"
tracked=$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="leak_small") | .count' "$TMPD/full")
dropped=$(jq -r 'select(.type=="leak_summary") | .allocs_dropped' "$TMPD/full")
assert_le "$tracked" 1024 "tracked with a 1024-entry table"
assert_ge "$dropped" $((3000 - 1024)) "allocations reported as untracked"
assert_eq "$((tracked + dropped >= 3000))" 1 "tracked + untracked cover all 3000"
"$MEMMON" leak --max-allocs 1024 -- "$W/leak_many" 3000 >"$TMPD/full.txt" 2>/dev/null
grep -Eq "untracked allocations \(table full\): [1-9]" "$TMPD/full.txt" || fail "text report does not show the full table"

# Sampling one in 10: Binomial(100, 0.1) lies in [1, 40] except with probability < 1e-4.
"$MEMMON" leak --json --sample-rate 10 -- "$W/leak_fixed" >"$TMPD/sample" 2>/dev/null || fail "sampled run failed"
read -r count bytes < <(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="leak_pages") | "\(.count) \(.bytes)"' "$TMPD/sample")
assert_ge "${count:-0}" 1 "sampled leaks"
assert_le "$count" 40 "sampled leaks"
assert_eq "$bytes" $((count * 4096)) "sampled bytes"
assert_ge "$(jq -r 'select(.type=="leak_summary") | .sampled_out' "$TMPD/sample")" 1000 "allocations not sampled"

# --older-than: leak_fixed exits right after leaking, so at its final report every block is
# younger than 5 s; leak_fixed 1 sleeps 1 s after leaking, so all 100 are older than 0.1 s.
"$MEMMON" leak --json --older-than 5000 -- "$W/leak_fixed" >"$TMPD/old" 2>/dev/null || fail "older-than run failed"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .count' "$TMPD/old")" 0 "nothing older than 5 s"
"$MEMMON" leak --json --older-than 100 -- "$W/leak_fixed" 1 >"$TMPD/old2" 2>/dev/null || fail "older-than run failed"
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="leak_pages") | .count' "$TMPD/old2")" 100 "older than 0.1 s"

# Interval reports, then --duration ends tracing of a process that keeps running.
"$W/leak_fixed" 60 & # asleep through both runs below
pid=$!
on_exit "kill $pid 2>/dev/null"
"$MEMMON" leak --json --combined -i 0.5 -d 1.6 -p $pid >"$TMPD/int" 2>/dev/null || fail "interval run failed"
assert_eq "$(jq -r 'select(.type=="leak_interval" or .type=="leak_summary") | .reason' "$TMPD/int" | sort | uniq -c | awk '{print $2":"$1}' | paste -sd,)" \
	"duration:1,interval:3" "three interval reports and a final one"
assert_eq "$(jq -s -r '[.[] | select(.type=="leak_interval") | .interval] | join(",")' "$TMPD/int")" "1,2,3" "intervals numbered from 1"
assert_eq "$(jq -s -r 'last | .type' "$TMPD/int")" leak_summary "the summary is the last record"
kill -0 $pid || fail "the traced process should still run after memmon ends"

# SIGTERM ends tracing with a final report and status 0.
"$MEMMON" leak --json -p $pid >"$TMPD/term" 2>"$TMPD/termerr" &
mm=$!
wait_tracing "$TMPD/termerr" $mm
kill -TERM $mm
wait $mm || fail "memmon exited $? on SIGTERM"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .reason' "$TMPD/term")" "interrupted" "SIGTERM final report"
echo ok
