#!/usr/bin/env bash
# memmon guard --all catches a 1-byte overflow, a 1-byte underflow (--left), a use after
# free and a use after free from another thread in tests/workloads/guard_bugs.c, with the
# exact block size, offset and the faulting, allocation and free stacks (function + line),
# and the program still dies of SIGSEGV. No BPF needed: the guard is a preloaded library.
source "$(dirname "$0")/../lib.sh"
SRC="$MEMMON_ROOT/tests/workloads/guard_bugs.c"
BIN="$WORKLOADS/guard_bugs"
line_of() { grep -n "MARK:$1" "$SRC" | cut -d: -f1; }
report_dirs() { ls -d /tmp/memmon-guard.*.* 2>/dev/null | sort; }
report_dirs >"$TMPD/dirs.before"

# run NAME ARGS...: memmon guard --json ARGS; JSON records in $TMPD/NAME.json, the
# program's own output (its stdout goes to stderr under --json) in $TMPD/NAME.err
run() {
	local name=$1; shift
	"$MEMMON" guard --json "$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err"
	echo $? >"$TMPD/$name.rc"
	grep '^{' "$TMPD/$name.out" >"$TMPD/$name.json" || true
}
q() { jq -r "$2" "$TMPD/$1.json"; }
frame() { q "$1" "select(.type==\"guard_error\") | .$2[$3] | \"\(.symbol) \(.line)\""; }

run overflow --all -- "$BIN" overflow
assert_eq "$(cat "$TMPD/overflow.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q overflow 'select(.type=="guard_error") | .kind')" heap-buffer-overflow kind
assert_eq "$(q overflow 'select(.type=="guard_error") | "\(.access) \(.block_size) \(.offset) \(.bytes_past_end)"')" "write 32 32 1" "overflow facts"
assert_eq "$(frame overflow fault_stack 0)" "overflow_by_one $(line_of overflow)" "faulting frame"
assert_eq "$(q overflow 'select(.type=="guard_error") | .fault_stack[1].symbol')" main "faulting caller"
assert_eq "$(frame overflow alloc_stack 0)" "make_block $(line_of alloc)" "allocating frame"
assert_eq "$(q overflow 'select(.type=="guard_error") | .free_stack')" null "no free stack for a live block"
assert_eq "$(jq -s 'map(select(.type=="guard_error")) | length' "$TMPD/overflow.json")" 1 "one report"

run underflow --all --left -- "$BIN" underflow
assert_eq "$(cat "$TMPD/underflow.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q underflow 'select(.type=="guard_error") | "\(.kind) \(.access) \(.block_size) \(.offset) \(.bytes_before_start)"')" "heap-buffer-underflow write 24 -1 1" "underflow facts"
assert_eq "$(frame underflow fault_stack 0)" "underflow_by_one $(line_of underflow)" "faulting frame"
assert_eq "$(frame underflow alloc_stack 0)" "make_block $(line_of alloc)" "allocating frame"

run uaf --all -- "$BIN" uaf
assert_eq "$(cat "$TMPD/uaf.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q uaf 'select(.type=="guard_error") | "\(.kind) \(.access) \(.block_size) \(.offset)"')" "heap-use-after-free read 48 16" "uaf facts"
assert_eq "$(frame uaf fault_stack 0)" "read_after_free $(line_of uaf)" "faulting frame"
assert_eq "$(frame uaf alloc_stack 0)" "make_block $(line_of alloc)" "allocating frame"
assert_eq "$(frame uaf free_stack 0)" "release_block $(line_of free)" "freeing frame"
assert_eq "$(q uaf 'select(.type=="guard_error") | [.pid == .tid, .alloc_tid == .pid, .free_tid == .pid] | all')" true "one thread"

run uaf-thread --all -- "$BIN" uaf-thread
assert_eq "$(cat "$TMPD/uaf-thread.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q uaf-thread 'select(.type=="guard_error") | "\(.kind) \(.block_size) \(.offset)"')" "heap-use-after-free 64 8" "uaf-thread facts"
assert_eq "$(frame uaf-thread fault_stack 0)" "read_after_free $(line_of uaf)" "faulting frame"
assert_eq "$(q uaf-thread 'select(.type=="guard_error") | .fault_stack[1].symbol')" user_thread "faulting thread's function"
assert_eq "$(q uaf-thread 'select(.type=="guard_error") | .free_stack[1].symbol')" freer_thread "freeing thread's function"
assert_eq "$(frame uaf-thread free_stack 0)" "release_block $(line_of free)" "freeing frame"
assert_eq "$(q uaf-thread 'select(.type=="guard_error") | [.alloc_tid == .pid, .free_tid != .pid, .tid != .pid, .tid != .free_tid] | all')" true "three different threads"

# A double free of a guarded block: reported with both free stacks, then abort().
run double-free --all -- "$BIN" double-free
assert_eq "$(cat "$TMPD/double-free.rc")" 134 "exit status (SIGABRT)"
assert_eq "$(q double-free 'select(.type=="guard_error") | "\(.kind) \(.access) \(.block_size) \(.offset)"')" "double-free free 40 0" "double free facts"
assert_eq "$(frame double-free fault_stack 0)" "release_block $(line_of free)" "second free"
assert_eq "$(frame double-free free_stack 0)" "release_block $(line_of free)" "first free"
assert_eq "$(frame double-free alloc_stack 0)" "make_block $(line_of alloc)" "allocation"
[ "$(q double-free 'select(.type=="guard_error") | .fault_stack[1].line')" -gt "$(q double-free 'select(.type=="guard_error") | .free_stack[1].line')" ] || fail "second free's caller line is after the first's"

# An exec'd program keeps the guard too.
run exec --all -- "$BIN" exec
assert_eq "$(cat "$TMPD/exec.rc")" 139 "exec'd program's exit status"
assert_eq "$(q exec 'select(.type=="guard_error") | "\(.kind) \(.block_size) \(.fault_stack[0].symbol)"')" "heap-buffer-overflow 32 overflow_by_one" "report after exec"

# realloc of a guarded block: a new guarded block, allocated where realloc was called.
# 100 is not a multiple of the default 16-byte alignment: --align 1 leaves no padding.
run realloc --all --align 1 -- "$BIN" realloc
assert_eq "$(q realloc 'select(.type=="guard_error") | "\(.kind) \(.block_size) \(.bytes_past_end)"')" "heap-buffer-overflow 100 1" "realloc facts"
assert_eq "$(frame realloc alloc_stack 0)" "main $(line_of realloc)" "realloc's caller"

# With the default 16-byte alignment the same 1-byte overflow of a 100-byte block lands in
# the 12 bytes of padding before the guard page: not caught (documented), program unharmed.
run realloc-aligned --all -- "$BIN" realloc
assert_eq "$(cat "$TMPD/realloc-aligned.rc")" 0 "padding overflow exit"
assert_contains "$TMPD/realloc-aligned.err" survived

# C++: operator new/delete of libstdc++ go through the guarded malloc/free.
run cxx --all -- "$BIN" cxx
assert_eq "$(cat "$TMPD/cxx.rc")" 139 "exit status (SIGSEGV)"
assert_eq "$(q cxx 'select(.type=="guard_error") | "\(.kind) \(.block_size) \(.alloc_stack[0].symbol) \(.alloc_stack[0].mangled)"')" \
	"heap-use-after-free 24 operator new(unsigned long) _Znwm" "operator new facts (demangled)"
assert_eq "$(frame cxx alloc_stack 1)" "cxx $(line_of cxx-new)" "operator new's caller"
assert_eq "$(frame cxx free_stack 0)" "cxx $(line_of cxx-delete)" "operator delete's caller (delete tail-calls free)"

# Correct multi-threaded programs run unharmed: 4 threads, every block filled and checked.
# With 16 slots and 4 x 32 blocks live, some allocations must find the pool full.
run threads --sample-rate 3 --slots 64 -- "$BIN" threads
assert_eq "$(cat "$TMPD/threads.rc")" 0 "threads exit"
assert_contains "$TMPD/threads.err" survived
assert_ge "$(q threads 'select(.type=="guard_summary") | .guarded')" 1000 "guarded in threads"
assert_eq "$(jq -s 'map(select(.type=="guard_error")) | length' "$TMPD/threads.json")" 0 "no false report"
run threads-full --all --slots 16 -- "$BIN" threads
assert_eq "$(cat "$TMPD/threads-full.rc")" 0 "threads (pool full) exit"
assert_contains "$TMPD/threads-full.err" survived
assert_ge "$(q threads-full 'select(.type=="guard_summary") | .pool_full')" 1 "pool full counted"

# The text report says the same in words.
"$MEMMON" guard --all -- "$BIN" overflow >"$TMPD/text.out" 2>&1
assert_contains "$TMPD/text.out" "memmon guard: heap-buffer-overflow in pid"
assert_contains "$TMPD/text.out" "is 1 byte past the end of a 32-byte block at 0x"
assert_contains "$TMPD/text.out" "overflow_by_one+0x"
assert_contains "$TMPD/text.out" "guard_bugs.c:$(line_of overflow)"
assert_not_contains "$TMPD/text.out" survived

# memmon installed where the path has a space (ld.so splits LD_PRELOAD at spaces): the
# program is still guarded, and the overflow caught.
SP="$TMPD/dir with space"
mkdir "$SP" && cp "$MEMMON" "$(dirname "$MEMMON")/libmemmon_guard.so" "$SP/"
"$SP/memmon" guard --all -- "$BIN" overflow >"$TMPD/space.out" 2>&1
assert_contains "$TMPD/space.out" "memmon guard: heap-buffer-overflow in pid"
assert_contains "$TMPD/space.out" "overflow_by_one+0x"
# A static program ignores LD_PRELOAD: memmon says nothing was checked, not "no error".
echo 'int main(void) { return 0; }' | cc -static -x c - -o "$TMPD/static_prog" || fail "static build"
"$MEMMON" guard --all -- "$TMPD/static_prog" >"$TMPD/static.out" 2>&1; assert_eq $? 0 "static program's status"
assert_contains "$TMPD/static.out" "the guard was not loaded into the program"
assert_not_contains "$TMPD/static.out" "no memory error caught"

# A forked child keeps the guard; its report arrives; the parent goes on.
run fork --all -- "$BIN" fork
assert_eq "$(cat "$TMPD/fork.rc")" 0 "parent exit status"
assert_contains "$TMPD/fork.err" "child killed"
assert_eq "$(q fork 'select(.type=="guard_error") | "\(.kind) \(.block_size)"')" "heap-buffer-overflow 16" "child's report"
child=$(q fork 'select(.type=="guard_error") | .pid')
parent=$(q fork 'select(.type=="guard_process") | .pid')
[ -n "$child" ] && [ -n "$parent" ] && [ "$child" != "$parent" ] || fail "child report pid $child vs parent $parent"

# Bad input: clear one-line errors and exit codes, no leftovers.
"$MEMMON" guard -p 1 -- true >"$TMPD/e1" 2>&1; assert_eq $? 2 "-p exit"
assert_contains "$TMPD/e1" "cannot be done safely"
"$MEMMON" guard >"$TMPD/e2" 2>&1; assert_eq $? 2 "no program exit"
"$MEMMON" guard -d 5 -- true >"$TMPD/e5" 2>&1; assert_eq $? 2 "-d exit"
assert_contains "$TMPD/e5" "guard runs until the program exits"
"$MEMMON" guard --align 3 -- true >"$TMPD/e7" 2>&1; assert_eq $? 2 "bad align exit"
"$MEMMON" guard --sample-rate 0 -- true >"$TMPD/e3" 2>&1; assert_eq $? 2 "bad rate exit"
"$MEMMON" guard -- /nonexistent/prog >"$TMPD/e4" 2>&1; assert_eq $? 1 "missing program exit"
assert_contains "$TMPD/e4" "cannot execute program"
"$MEMMON" guard --help | grep -q -- "--sample-rate N" || fail "help"
mkdir "$TMPD/bin" && cp "$MEMMON" "$TMPD/bin/memmon" # installed without its library
"$TMPD/bin/memmon" guard -- true >"$TMPD/e6" 2>&1; assert_eq $? 1 "missing library exit"
assert_contains "$TMPD/e6" "libmemmon_guard.so not found"
# every memmon guard removed its report directory: a new one whose memmon is gone is left over
report_dirs | comm -13 "$TMPD/dirs.before" - >"$TMPD/dirs.new"
while read -r d; do
	pid=${d#/tmp/memmon-guard.}; pid=${pid%%.*}
	kill -0 "$pid" 2>/dev/null || fail "left over $d"
done <"$TMPD/dirs.new"
# Nothing guarded and no slot ever full: the count alone, no "0 not guarded".
"$MEMMON" guard -- true >"$TMPD/none.txt" 2>&1 || fail "guard -- true"
assert_contains "$TMPD/none.txt" "0 allocations guarded"
assert_not_contains "$TMPD/none.txt" "not guarded because"
echo ok
