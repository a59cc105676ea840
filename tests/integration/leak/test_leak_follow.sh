#!/usr/bin/env bash
# memmon leak follows a launched program into the processes it forks, as valgrind's
# --trace-children does, and reports each process on its own: 100 x 4096 bytes leaked by
# leak_fixed run under `bash -c`, 50 x 3333 bytes malloc'd by a python os.fork() child
# (which also frees blocks it inherited: no invalid frees), and --no-follow, --follow -p.
source "$(dirname "$0")/../lib.sh"
require_bpf
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip "needs python3"
SRC="$MEMMON_ROOT/tests/workloads"
line=$(grep -n LEAK_LINE "$SRC/leak_fixed.c" | head -1 | cut -d: -f1)
# "pid bytes count symbol line" of the stacks whose first frame is $2, in log $1
stacks_of() {
	jq -r --arg f "$2" 'select(.type=="leak_stack" and .frames[0].symbol==$f) |
		[.pid,.bytes,.count,.frames[0].symbol,.frames[0].line] | @tsv' "$1"
}

# "pid bytes count symbol line" summed over the stacks whose first frame is $2, in log $1:
# a followed process runs on while memmon reads the image it exec'd or the library it
# loaded, so its first few stacks through that code may end there (stack_end "no_table");
# any other end, or a frame 0 of another symbol or line, is a failure of its own
sum_of() {
	jq -rs --arg f "$2" '[.[] | select(.type=="leak_stack" and .frames[0].symbol==$f)] |
		group_by([.pid, .frames[0].line]) | .[] |
		[.[0].pid, (map(.bytes) | add), (map(.count) | add), $f, .[0].frames[0].line] | @tsv' "$1"
}
# The ends of those stacks other than complete, one per line ("" when all are complete).
odd_ends_of() {
	jq -r --arg f "$2" 'select(.type=="leak_stack" and .frames[0].symbol==$f and .stack_end != "complete") |
		.stack_end' "$1" | sort -u
}

# 1. bash forks, the child execs leak_fixed, which leaks 100 pages and exits at once.
"$MEMMON" leak --json -- bash -c "\"$WORKLOADS/leak_fixed\" & echo \$! >\"$TMPD/pid1\"; wait; true" \
	>"$TMPD/bash.json" 2>"$TMPD/err" || fail "leak bash -c: $(cat "$TMPD/err")"
assert_eq "$(sum_of "$TMPD/bash.json" leak_pages)" "$(printf '%s\t409600\t100\tleak_pages\t%s' "$(cat "$TMPD/pid1")" "$line")" \
	"leak of the exec'd child, under its own pid"
assert_eq "$(odd_ends_of "$TMPD/bash.json" leak_pages | grep -v '^no_table$')" "" "the child's stacks end complete or before its table"
# its complete stack runs down to main
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="leak_pages" and .stack_end=="complete") |
	[.frames[].symbol] | index("main") != null' "$TMPD/bash.json")" true "the child's complete stack, down to main"
# what bash held before its fork is bash's, not the child's: the child's only stack is its own
assert_eq "$(jq -r --arg p "$(cat "$TMPD/pid1")" 'select(.type=="leak_stack" and (.pid|tostring)==$p) | .frames[0].symbol' "$TMPD/bash.json" | sort -u)" \
	"leak_pages" "stacks of the child"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .errors' "$TMPD/bash.json")" 0 "memory errors"

# 2. python's os.fork() child mallocs 50 x 3333 bytes, then exits through Python's
#    finalization, freeing objects its parent allocated.
cat >"$TMPD/fork.py" <<'PYEOF'
import ctypes, os, sys
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
data = [str(i) * 10 for i in range(20000)]
pid = os.fork()
if pid == 0:
    open(sys.argv[1], "w").write(str(os.getpid()))
    for i in range(50):
        libc.malloc(3333)
    del data
    sys.exit(0)
os.waitpid(pid, 0)
PYEOF
"$MEMMON" leak --json -- "$PY" "$TMPD/fork.py" "$TMPD/pid2" >"$TMPD/py.json" 2>"$TMPD/err" ||
	fail "leak python: $(cat "$TMPD/err")"
child=$(cat "$TMPD/pid2")
assert_eq "$(jq -rs --arg p "$child" '[.[] | select(.type=="leak_stack" and (.pid|tostring)==$p and .bytes==.count*3333)] |
	[(map(.bytes) | add), (map(.count) | add), (map(.allocator) | unique | join(","))] | @tsv' "$TMPD/py.json")" \
	"$(printf '166650\t50\tmalloc')" "the fork child's 50 x 3333 bytes"
assert_eq "$(jq -r --arg p "$child" 'select(.type=="leak_stack" and (.pid|tostring)==$p and .bytes==.count*3333 and .stack_end != "complete") | .stack_end' "$TMPD/py.json" | sort -u | grep -v '^no_table$')" \
	"" "the child's 3333-byte stacks end complete or before a table"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .errors' "$TMPD/py.json")" 0 "invalid frees of inherited blocks"

# 3. --no-follow: the launched program alone.
"$MEMMON" leak --json --no-follow -- bash -c "\"$WORKLOADS/leak_fixed\"; true" >"$TMPD/nf.json" 2>/dev/null ||
	fail "leak --no-follow"
assert_eq "$(stacks_of "$TMPD/nf.json" leak_pages)" "" "the child's leak with --no-follow"
"$MEMMON" leak --follow --no-follow -- true 2>/dev/null; assert_eq $? 2 "--follow with --no-follow"
"$MEMMON" leak --follow --kernel 2>/dev/null; assert_eq $? 2 "--follow with --kernel"

# 4. --follow -p: a running bash, told to start leak_fixed once traced.
GO=$TMPD/go
bash -c "while [ ! -e \"$GO\" ]; do sleep 0.05; done; \"$WORKLOADS/leak_fixed\" & echo \$! >\"$TMPD/pid4\"; wait" &
b=$!
on_exit "kill $b 2>/dev/null"
"$MEMMON" leak --follow -p $b >"$TMPD/p.txt" 2>"$TMPD/perr" &
m=$!
on_exit "kill $m 2>/dev/null"
for _ in $(seq 200); do grep -q "tracing pids" "$TMPD/perr" && break; sleep 0.05; done
touch "$GO"
wait $m || fail "leak --follow -p exited $?: $(cat "$TMPD/perr")"
grep -A1 "^409600 bytes in 100 allocations via malloc, pid $(cat "$TMPD/pid4")\$" "$TMPD/p.txt" | tail -1 >"$TMPD/first"
assert_contains "$TMPD/first" "leak_pages+0x"
assert_contains "$TMPD/first" "leak_fixed.c:$line"
# 5. A program killed by a signal says so: JSON program_signal, the text report's reason.
"$MEMMON" leak --json -- bash -c 'kill -ABRT $$' >"$TMPD/abrt.json" 2>/dev/null || fail "leak of an aborting program"
assert_eq "$(jq -r 'select(.type=="leak_summary") | "\(.reason) \(.program_signal)"' "$TMPD/abrt.json")" \
	"program exited SIGABRT" "the signal that killed the program"
"$MEMMON" leak -- bash -c 'kill -ABRT $$' >"$TMPD/abrt.txt" 2>/dev/null
assert_contains "$TMPD/abrt.txt" "(program exited, killed by SIGABRT):"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .program_signal' "$TMPD/bash.json")" null "program_signal of a normal exit"
echo ok
