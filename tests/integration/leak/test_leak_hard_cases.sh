#!/usr/bin/env bash
# Cases that trip naive leak tracers: threads and glibc's own frees at thread exit, forked
# processes sharing addresses, exec, filtered allocations, a flood of frees, -O2 inlining.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS
SRC="$MEMMON_ROOT/tests/workloads"

# Threads: no false double/invalid frees, no arena heap or thread stack counted as a leak,
# and the one real leak exact.
"$MEMMON" leak --json --top 100 -- "$W/thread_churn" >"$TMPD/thr" 2>/dev/null || fail "thread run failed"
assert_eq "$(jq -s '[.[] | select(.type=="leak_error")] | length' "$TMPD/thr")" 0 "errors in a correct threaded program"
line=$(grep -n THREAD_LEAK_LINE "$SRC/thread_churn.c" | cut -d: -f1)
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="leak_once") | [.bytes,.count,.frames[0].line] | @tsv' "$TMPD/thr")" \
	"$(printf '777\t1\t%s' "$line")" "the real leak"
assert_eq "$(jq -s '[.[] | select(.type=="leak_stack" and .bytes >= 65536)] | length' "$TMPD/thr")" 0 "no arena heap or thread stack reported"
assert_ge "$(jq -r 'select(.type=="leak_summary") | .internal_frees' "$TMPD/thr")" 1 "glibc's own frees counted as internal"

# Two processes handing out the same addresses after fork, traced together.
"$W/fork_same" wait >"$TMPD/pids" &
on_exit "kill $! 2>/dev/null"
for _ in $(seq 100); do [ -s "$TMPD/pids" ] && break; sleep 0.05; done
read -r parent child <"$TMPD/pids"
on_exit "kill $child 2>/dev/null"
"$MEMMON" leak --json -p "$parent" -p "$child" >"$TMPD/fork" 2>"$TMPD/forkerr" & L=$!
wait_tracing "$TMPD/forkerr" $L
kill -USR1 "$parent" "$child"
wait $L || fail "fork run failed: $(cat "$TMPD/forkerr")"
assert_eq "$(jq -s '[.[] | select(.type=="leak_error")] | length' "$TMPD/fork")" 0 "errors across fork"
assert_eq "$(jq -s '[.[] | select(.type=="leak_stack" and .frames[0].symbol=="churn_blocks")] | length' "$TMPD/fork")" 0 "freed blocks reported as outstanding"

# exec: what the shell held before exec is gone, not leaked.
"$MEMMON" leak --json -- sh -c "exec $W/leak_fixed" >"$TMPD/exec" 2>/dev/null || fail "exec run failed"
assert_eq "$(jq -r 'select(.type=="leak_summary") | [.bytes,.count] | @tsv' "$TMPD/exec")" "$(printf '409600\t100')" "after exec"

# Blocks left untracked by --min-size or a full table are freed without "invalid free".
"$MEMMON" leak --json --min-size 1k -- "$W/leak_fixed" >"$TMPD/min" 2>/dev/null || fail "min-size run failed"
assert_eq "$(jq -s '[.[] | select(.type=="leak_error")] | length' "$TMPD/min")" 0 "errors with --min-size"
"$MEMMON" leak --json --max-allocs 1024 -- "$W/leak_many" 3000 >"$TMPD/full" 2>/dev/null || fail "full-table run failed"
assert_eq "$(jq -s '[.[] | select(.type=="leak_error")] | length' "$TMPD/full")" 0 "errors with a full table"

# A flood of frees never stalls the run loop: -d ends it on time.
start=$(date +%s)
timeout 20 "$MEMMON" leak --json --min-size 1k -d 2 -- "$W/busy_free" >"$TMPD/busy" 2>/dev/null || fail "busy run failed or hung ($?)"
assert_le $(( $(date +%s) - start )) 8 "seconds for a 2 s trace of a busy program"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .reason' "$TMPD/busy")" "duration elapsed" "busy end reason"

# Two levels of inlining at -O2: every inlined caller with its line.
gcc -O2 -g "$SRC/lib/inline_leak.c" -o "$TMPD/inline_leak"
"$MEMMON" leak --json -- "$TMPD/inline_leak" >"$TMPD/inl" 2>/dev/null || fail "inline run failed"
l() { grep -n "$1" "$SRC/lib/inline_leak.c" | cut -d: -f1; }
assert_eq "$(jq -r 'select(.type=="leak_stack" and .count==50) | .frames[0:3] | map("\(.symbol):\(.line):\(.inlined)") | join(" ")' "$TMPD/inl")" \
	"inner:$(l INNER_LINE):true middle:$(l MIDDLE_LINE):true outer:$(l OUTER_LINE):false" "inlined frames"

# Small things: -i 0 means only the final report; a kernel thread gets a useful message.
"$MEMMON" leak --json -i 0 -- "$W/leak_fixed" 1 >"$TMPD/i0" 2>/dev/null || fail "-i 0 failed"
assert_eq "$(jq -s -r '[.[] | select(.type=="leak_interval" or .type=="leak_summary") | .type] | join(",")' "$TMPD/i0")" \
	leak_summary "reports with -i 0"
"$MEMMON" leak -p 2 >"$TMPD/kt" 2>&1 && fail "-p 2 should fail"
assert_contains "$TMPD/kt" "kernel thread"
echo ok
