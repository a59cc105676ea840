#!/usr/bin/env bash
# memmon faults --by stack on code built -O2 without frame pointers: the first-touch
# faults glibc's memset makes for a 3-deep chain of the program's own functions are all
# attributed to the whole chain, in one row, and --folded has one line per stack.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS/o2
F="$MEMMON_ROOT/tests/workloads/o2/fault_chain.c"
line_of() { grep -n "$1" "$F" | head -1 | cut -d: -f1; }
chain="fill_buffer:$(line_of MEMSET_LINE) prepare:$(line_of PREPARE_LINE) run:$(line_of RUN_LINE) main:$(line_of MAIN_LINE)"

# The rows whose stack passes through fill_buffer, as "minor major end | frames".
memset_rows() {
	jq -r 'select(.type=="faults_stack") | select([.user_stack[].symbol] | index("fill_buffer"))
		| "\(.minor) \(.major) \(.stack_end) |" + ([.user_stack[1:5][] | " \(.symbol):\(.line)"] | join(""))
		+ " first=" + (.user_stack[0].symbol | test("memset") | tostring) + " last=" + .user_stack[-1].symbol' "$1"
}

# 1. Launched: 512 pages, one fault each, all in memset <- the chain <- ... <- _start.
"$MEMMON" faults --json -- "$W/fault_chain" 512 >"$TMPD/json" 2>"$TMPD/err" || fail "faults exited $?: $(cat "$TMPD/err")"
assert_eq "$(memset_rows "$TMPD/json")" "512 0 complete | $chain first=true last=_start" "memset fault rows"
assert_eq "$(jq -r 'select(.type=="faults_summary") | .unwind_tables.files >= 3' "$TMPD/json")" true "unwind tables in the summary"

# 2. By pid, attached while the program waits: the same.
exec 3> >(true)
mkfifo "$TMPD/go"
"$W/fault_chain" 512 wait <"$TMPD/go" >"$TMPD/ready" &
pid=$!
on_exit "kill $pid 2>/dev/null"
exec 4>"$TMPD/go"
for _ in $(seq 100); do grep -q ready "$TMPD/ready" && break; sleep 0.05; done
"$MEMMON" faults --json -p "$pid" -d 30 >"$TMPD/pid" 2>"$TMPD/err" &
mm=$!
wait_tracing "$TMPD/err" $mm
echo x >&4
exec 4>&-
wait "$mm" || fail "faults -p exited $?: $(cat "$TMPD/err")"
assert_eq "$(memset_rows "$TMPD/pid")" "512 0 complete | $chain first=true last=_start" "memset fault rows (-p)"

# 3. --folded: no stack twice.
"$MEMMON" faults --folded - -- "$W/fault_chain" 512 >"$TMPD/folded" 2>"$TMPD/err" || fail "faults --folded exited $?"
assert_eq "$(awk '{$NF=""; print}' "$TMPD/folded" | sort | uniq -d | wc -l)" 0 "repeated folded stacks"
assert_eq "$(grep -c ';run;prepare;fill_buffer;__memset' "$TMPD/folded")" 1 "folded memset lines"
assert_eq "$(grep ';run;prepare;fill_buffer;__memset' "$TMPD/folded" | awk '{print $NF}')" 512 "folded memset count"
