#!/usr/bin/env bash
# memmon heap follows fork and exec: heap_fork leaks 5 blocks, forks a child that leaks 7
# and frees a block it inherited, then (second run) execs heap_shape. Each process is a
# row of its own (heap_process: started_by launch/fork/exec); the image an exec replaced
# leaks nothing, the new image is unwound by tables memmon builds when it starts; the child's free of its parent's block is a free of an unknown block.
source "$(dirname "$0")/../lib.sh"
W=$WORKLOADS/o2
"$MEMMON" heap --json --top 0 -- "$W/heap_fork" >"$TMPD/fork" 2>"$TMPD/err" || fail "heap exited $?: $(cat "$TMPD/err")"
assert_eq "$(jq -r 'select(.type=="heap_process") | "\(.started_by) \(.allocations) \(.leaked_count) \(.leaked_bytes) \(.unknown_frees)"' "$TMPD/fork")" \
	"launch 6 5 120 0
fork 7 7 392 1" "processes"
assert_eq "$(jq -r 'select(.type=="heap_stack") | "\(.frames[0].symbol) \(.leaked_count) \(.stack_end)"' "$TMPD/fork" | sort)" \
	"child_leaks 7 complete
main 0 complete
parent_leaks 5 complete" "stacks"
# the child's rows carry its own pid
parent=$(jq -r 'select(.type=="heap_process" and .started_by=="launch") | .pid' "$TMPD/fork")
child=$(jq -r 'select(.type=="heap_process" and .started_by=="fork") | .pid' "$TMPD/fork")
assert_eq "$(jq -r 'select(.type=="heap_process" and .started_by=="fork") | .ppid' "$TMPD/fork")" "$parent" "child's parent"
assert_eq "$(jq -r "select(.type==\"heap_stack\" and .frames[0].symbol==\"child_leaks\") | .pid" "$TMPD/fork")" "$child" "child's row"
assert_eq "$(jq -r 'select(.type=="heap_summary") | "\(.processes) \(.leaked_count) \(.lost_events)"' "$TMPD/fork")" "2 12 0" "summary"

# exec: the program that replaced heap_fork is traced (its leaks counted), heap_fork's are not
"$MEMMON" heap --json --top 0 -- "$W/heap_fork" "$W/heap_shape" 10 3 >"$TMPD/exec" 2>"$TMPD/err" || fail "heap exited $?: $(cat "$TMPD/err")"
assert_eq "$(jq -r 'select(.type=="heap_process") | "\(.started_by) \(.replaced_by_exec) \(.leaked_count)"' "$TMPD/exec")" \
	"launch true 0
fork false 7
exec false 3" "processes with exec"
assert_eq "$(jq -r 'select(.type=="heap_process" and .started_by=="exec") | .pid' "$TMPD/exec")" \
	"$(jq -r 'select(.type=="heap_process" and .started_by=="launch") | .pid' "$TMPD/exec")" "exec keeps the pid"
# the exec'd image waited for its tables: its stacks are whole too (leak_some down to main)
assert_eq "$(jq -r 'select(.type=="heap_summary") | .stack_ends.truncated' "$TMPD/exec")" "0" "no stack cut short"
assert_eq "$(jq -r 'select(.type=="heap_stack" and .leaked_count==3) | [.frames[] | .symbol] | .[0:2] | join(" ")' "$TMPD/exec")" \
	"leak_some main" "the exec'd program's leak"
assert_eq "$(jq -r 'select(.type=="heap_summary") | "\(.processes) \(.leaked_count) \(.peak_bytes)"' "$TMPD/exec")" "3 10 4194304" "summary with exec"
echo ok
