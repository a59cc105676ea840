#!/usr/bin/env bash
# memmon segv reports a NULL dereference, a write to a read-only mapping and an unbounded
# recursion (stack overflow, with the recursing function named) of tests/workloads/segv_cases.c,
# each with the faulting function and line. Only the launched program's signals count
# (-- PROGRAM), so other processes crashing meanwhile cannot change the numbers.
source "$(dirname "$0")/../lib.sh"
require_bpf
SRC="$MEMMON_ROOT/tests/workloads/segv_cases.c"
BIN="$WORKLOADS/segv_cases"
line_of() { grep -n "MARK:$1" "$SRC" | cut -d: -f1; }
run() { # run NAME ARGS: memmon segv --json -- segv_cases NAME
	limited "$MEMMON" segv --json -- "$BIN" "$1" >"$TMPD/$1.json" 2>"$TMPD/$1.err"
	echo $? >"$TMPD/$1.rc"
	[ "$(jq -s 'map(select(.type=="segv_crash")) | length' "$TMPD/$1.json")" = 1 ] ||
		{ cat "$TMPD/$1.json" "$TMPD/$1.err"; fail "$1: expected exactly one segv_crash record"; }
}
q() { jq -r "select(.type==\"segv_crash\") | $2" "$TMPD/$1.json"; }
# Waits for memmon (pid $2) to have written a segv_crash record of pid $3 into $1, then ends it
# with SIGINT: a condition, not a fixed -d, so a slow machine (emulation) cannot cut it short.
crash_then_stop() {
	local _
	for _ in $(seq 600); do
		grep -q "\"type\":\"segv_crash\".*\"pid\":$3[,}]" "$1" && break
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	kill -INT "$2" 2>/dev/null
	wait "$2"
}

run null
assert_eq "$(cat "$TMPD/null.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q null '"\(.signal) \(.code) \(.what) \(.addr) \(.access)"')" "SIGSEGV SEGV_MAPERR null-page 0x0 read" "null facts"
assert_eq "$(q null '"\(.stack[0].symbol) \(.stack[0].line)"')" "deref $(line_of null)" "faulting frame"
assert_eq "$(q null '.stack[1].symbol')" main "caller"
assert_eq "$(q null '[.pid == .tid, .sender_pid == .pid, .comm == "segv_cases"] | all')" true "who"
# the summary counts the frames as printed (inlined calls included), in text and JSON alike
n=$(jq -s '[.[] | select(.type=="segv_crash") | .stack | length] | add' "$TMPD/null.json")
assert_eq "$(jq -r 'select(.type=="segv_summary") | .frames' "$TMPD/null.json")" "$n" "summary frames"
limited "$MEMMON" segv -- "$BIN" null >"$TMPD/null.txt" 2>&1
assert_eq "$(grep -c '^    [^[]' "$TMPD/null.txt")" "$n" "frames printed in text"
assert_contains "$TMPD/null.txt" " of $n frames printed unresolved"

run readonly
assert_eq "$(cat "$TMPD/readonly.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q readonly '"\(.code) \(.what) \(.access) \(.mapping.perms) \(.mapping.file)"')" "SEGV_ACCERR read-only write r--p $BIN" "read-only facts (the mapped file by its full path)"
assert_eq "$(q readonly '"\(.stack[0].symbol) \(.stack[0].line)"')" "scribble $(line_of readonly)" "faulting frame"
# the address lies inside the reported mapping
assert_eq "$(q readonly '[(.addr|ltrimstr("0x")), (.mapping.start|ltrimstr("0x")), (.mapping.end|ltrimstr("0x"))] | join(" ")' |
	python3 -c 'import sys; a,s,e=(int(x,16) for x in sys.stdin.read().split()); print(s <= a < e)')" True "address in mapping"

run recurse
assert_eq "$(cat "$TMPD/recurse.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q recurse '"\(.code) \(.what) \(.main_thread_stack) \(.recursing_function)"')" "SEGV_MAPERR stack-overflow true recurse" "overflow facts"
assert_eq "$(q recurse '.frames_captured')" 126 "frames captured"
assert_eq "$(q recurse '.recursing_frames')" 126 "recursing frames"
assert_eq "$(q recurse '[.stack[1:][] | .line] | unique | map(tostring) | join(",")')" "$(line_of recurse)" "every caller frame is the recursive call"
assert_eq "$(q recurse '.stack[0].symbol')" recurse "faulting frame"
# depth: the stack limit of the workload (ulimit -s, KiB) give or take one 64 KiB frame
limit=$(( $(ulimit -s) * 1024 ))
depth=$(q recurse '.stack_bytes')
assert_ge "$depth" $((limit - 65536)) "stack depth"
assert_le "$depth" $((limit + 65536)) "stack depth"

# the same in a thread with a 1 MiB stack: it hits the thread's PROT_NONE guard page
run thread-recurse
assert_eq "$(q thread-recurse '"\(.what) \(.main_thread_stack) \(.recursing_function) \(.mapping.perms) \(.pid != .tid)"')" "stack-overflow false recurse ---p true" "thread overflow facts"
depth=$(q thread-recurse '.stack_bytes')
assert_ge "$depth" $((1048576 - 65536)) "thread stack depth"
assert_le "$depth" 1048576 "thread stack depth"

# SIGBUS: reading the second page of a 2-page mapping of a 1-page file
limited "$MEMMON" segv --json -- "$BIN" bus "$TMPD/bus.file" >"$TMPD/bus.json" 2>&1
assert_eq $? 135 "exit status (SIGBUS)"
assert_eq "$(q bus '"\(.signal) \(.code) \(.what) \(.access) \(.mapping.perms) \(.mapping.file)"')" "SIGBUS BUS_ADRERR bus-error read r--s $TMPD/bus.file" "bus facts"
assert_eq "$(q bus '"\(.stack[0].symbol) \(.stack[0].line)"')" "past_file_end $(line_of bus)" "faulting frame"
assert_contains "$TMPD/bus.json" "read beyond the end of the mapped file"

# executing heap memory
run exec
assert_eq "$(q exec '"\(.code) \(.what) \(.access) \(.mapping.perms) \(.addr == .ip)"')" "SEGV_ACCERR non-executable exec rw-p true" "exec facts"

# text output says it in words
limited "$MEMMON" segv -- "$BIN" recurse >"$TMPD/text.out" 2>&1
assert_contains "$TMPD/text.out" "stack overflow of the main thread's stack"
assert_contains "$TMPD/text.out" "recursing function: recurse (126 of 126 frames captured)"
assert_contains "$TMPD/text.out" "segv_cases.c:$(line_of recurse) [segv_cases]  (x125)"
assert_contains "$TMPD/text.out" "memmon segv: 1 signal reported, 0 events lost"

# System-wide: a process that is gone before memmon reads its maps still resolves, through
# the build-ids of its stack (the executable's path comes with the event; libc is found in
# the library directories).
"$MEMMON" segv --json >"$TMPD/wide.json" 2>"$TMPD/wide.err" & mon=$!
on_exit "kill $mon 2>/dev/null"
wait_tracing "$TMPD/wide.err" $mon
"$BIN" null 2>/dev/null & crasher=$!
wait $crasher 2>/dev/null
crash_then_stop "$TMPD/wide.json" $mon $crasher
jq -c "select(.type==\"segv_crash\" and .pid==$crasher)" "$TMPD/wide.json" >"$TMPD/wide1.json"
assert_eq "$(q wide1 '"\(.what) \(.stack[0].symbol) \(.stack[0].line) \(.stack[1].symbol)"')" "null-page deref $(line_of null) main" "system-wide facts"
assert_eq "$(q wide1 '.stack[2].module' | xargs basename)" libc.so.6 "libc frame's module"
assert_eq "$(q wide1 '.stack[0].addr == .ip')" true "frames show the captured addresses"

# -p: a process that crashes later resolves (its maps were read while it lived)
"$BIN" null-later >"$TMPD/later.out" 2>/dev/null & later=$!
on_exit "kill $later 2>/dev/null"
for _ in $(seq 100); do grep -q ready "$TMPD/later.out" && break; sleep 0.1; done
"$MEMMON" segv --json -p $later >"$TMPD/later.json" 2>"$TMPD/later.err" & mon=$!
on_exit "kill $mon 2>/dev/null"
wait_tracing "$TMPD/later.err" $mon
kill -USR1 $later
wait $later 2>/dev/null
crash_then_stop "$TMPD/later.json" $mon $later
assert_eq "$(q later '"\(.what) \(.pid) \(.stack[0].symbol) \(.stack[0].line)"')" "null-page $later deref $(line_of null)" "-p facts"

# -p follows one running process; kill -SEGV from elsewhere is reported with its sender
sleep 30 & victim=$!
"$MEMMON" segv --json -p $victim >"$TMPD/sent.json" 2>"$TMPD/sent.err" & mon=$!
on_exit "kill $victim $mon 2>/dev/null"
wait_tracing "$TMPD/sent.err" $mon
kill -SEGV $victim
wait $victim 2>/dev/null
crash_then_stop "$TMPD/sent.json" $mon $victim
assert_eq "$(q sent '"\(.what) \(.code) \(.pid) \(.sender_pid)"')" "sent SI_USER $victim $$" "kill -SEGV facts"

# bad input
"$MEMMON" segv -p 4194304 -d 1 >"$TMPD/e1" 2>&1; assert_eq $? 1 "missing pid exit"
assert_contains "$TMPD/e1" "pid 4194304 does not exist"
"$MEMMON" segv -p abc >"$TMPD/e2" 2>&1; assert_eq $? 2 "bad pid exit"
"$MEMMON" segv --bogus >"$TMPD/e3" 2>&1; assert_eq $? 2 "bad option exit"
"$MEMMON" segv -i 1 >"$TMPD/e4" 2>&1; assert_eq $? 2 "-i exit"
assert_contains "$TMPD/e4" "-i does not apply: every signal is printed as it happens"
"$MEMMON" segv --help | grep -q -- "--comm NAME" || fail "help"
echo ok
