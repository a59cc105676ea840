#!/usr/bin/env bash
# memmon segv on a stack overflow in code built -O2 without frame pointers: the stack is
# walked by call frame information, so the recursing function is named over every frame
# captured (a frame-pointer walk gets one frame there).
source "$(dirname "$0")/../lib.sh"
require_bpf
F="$MEMMON_ROOT/tests/workloads/o2/stack_overflow.c"
recurse=$(grep -n RECURSE_LINE "$F" | head -1 | cut -d: -f1)
"$MEMMON" segv --json -- "$WORKLOADS/o2/stack_overflow" >"$TMPD/json" 2>"$TMPD/err"
crash() { jq -r "select(.type==\"segv_crash\") | $1" "$TMPD/json"; }
assert_eq "$(crash '.what')" "stack-overflow" "classified as"
assert_eq "$(crash '"\(.recursing_function) \(.recursing_frames) \(.frames_captured) \(.stack_end)"')" \
	"descend 126 126 depth_limit" "recursing function over the captured frames"
assert_eq "$(crash '[.stack[].symbol] | unique | join(",")')" "descend" "every frame"
assert_eq "$(crash '[.stack[1:][].line] | unique | join(",")')" "$recurse" "callers at the recursive call's line"
