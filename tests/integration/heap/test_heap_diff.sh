#!/usr/bin/env bash
# memmon heap --diff BASE: two runs of heap_shape, the second leaking twice as many blocks
# (200 instead of 100): only leak_some's stack differs, by exactly the doubled leak.
source "$(dirname "$0")/../lib.sh"
W=$WORKLOADS/o2
"$MEMMON" heap --json --top 0 -- "$W/heap_shape" 50000 100 >"$TMPD/base" 2>"$TMPD/err" || fail "base run exited $?: $(cat "$TMPD/err")"
"$MEMMON" heap --json --diff "$TMPD/base" -- "$W/heap_shape" 50000 200 >"$TMPD/diff" 2>"$TMPD/err" || fail "diff run exited $?: $(cat "$TMPD/err")"
assert_eq "$(jq -r 'select(.type=="heap_diff_stack") | "\(.change) \(.frames[0].symbol) \(.base_allocations)->\(.allocations) \(.base_allocated_bytes)->\(.allocated_bytes) \(.base_leaked_bytes)->\(.leaked_bytes) \(.base_leaked_count)->\(.leaked_count) \(.base_temporary)->\(.temporary) \(.base_peak_bytes)->\(.peak_bytes)"' "$TMPD/diff")" \
	"grew leak_some 100->200 4800->9600 4800->9600 100->200 0->0 0->0" "the one stack that changed"
assert_eq "$(tail -1 "$TMPD/diff" | jq -r '"\(.type) \(.leaked_count)"')" "heap_summary 200" "summary last"
# text
"$MEMMON" heap --diff "$TMPD/base" -- "$W/heap_shape" 50000 200 >"$TMPD/text" 2>&1 || fail "text diff exited $?"
assert_contains "$TMPD/text" "grew: allocations 100 -> 200 (+100) allocated_bytes 4800 -> 9600 (+4800) leaked_bytes 4800 -> 9600 (+4800) leaked_count 100 -> 200 (+100)"
assert_contains "$TMPD/text" "    leak_some (tests/workloads/o2/heap_shape.c:"
assert_contains "$TMPD/text" "1 stack differs from the base"
# the same program twice: nothing differs
"$MEMMON" heap --diff "$TMPD/base" -- "$W/heap_shape" 50000 100 >"$TMPD/same" 2>&1 || fail "same diff exited $?"
assert_contains "$TMPD/same" "0 stacks differ from the base"
# a base that is missing or not this command's JSON: a clear error, exit 1, nothing run
"$MEMMON" heap --diff "$TMPD/none" -- true >"$TMPD/out" 2>"$TMPD/err"
assert_eq "$?" 1 "missing base"
assert_contains "$TMPD/err" "memmon heap: cannot read $TMPD/none"
echo '{"type":"leak_summary"}' >"$TMPD/other"
"$MEMMON" heap --diff "$TMPD/other" -- true >"$TMPD/out" 2>"$TMPD/err"
assert_eq "$?" 1 "foreign base"
assert_contains "$TMPD/err" "is not the --json output of memmon heap"
echo ok
