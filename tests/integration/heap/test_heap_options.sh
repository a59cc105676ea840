#!/usr/bin/env bash
# memmon heap's options and bad input: usage errors exit 2 with a message, a program that
# cannot be traced (static) exits 1 saying so, -i prints the heap over time (text and
# heap_interval), --svg draws it into a safe output file and refuses a symlink before
# anything runs.
source "$(dirname "$0")/../lib.sh"
W=$WORKLOADS/o2
usage() { # ARGS... -> exit 2 with the message $MSG
	"$MEMMON" heap "$@" >"$TMPD/out" 2>"$TMPD/err"
	assert_eq "$?" 2 "exit of heap $*"
	assert_contains "$TMPD/err" "$MSG"
}
MSG="nothing to trace: give -p PID or -- PROGRAM" usage
MSG="give either -p PID or -- PROGRAM, not both" usage -p 1 -- true
MSG="invalid --sort 'bogus'" usage --sort bogus -- true
MSG="--seed needs --sample-bytes" usage --seed 3 -- true
MSG="invalid --sample-bytes" usage --sample-bytes 0 -- true
"$MEMMON" heap -- "$TMPD/none" >"$TMPD/out" 2>"$TMPD/err"
assert_eq "$?" 1 "missing program"
assert_contains "$TMPD/err" "cannot execute program"
# a static executable never loads the library: said so, exit 1
printf 'int main(void) { return 0; }\n' >"$TMPD/st.c"
gcc -static -o "$TMPD/st" "$TMPD/st.c" || fail "cannot build a static program"
"$MEMMON" heap -- "$TMPD/st" >"$TMPD/out" 2>"$TMPD/err"
assert_eq "$?" 1 "static program"
assert_contains "$TMPD/err" "the library was not loaded into the program"

# -i: the heap's total over time; the last sample is the heap at the end (the 4 thread
# TLS blocks glibc keeps: 4 x 288 bytes)
"$MEMMON" heap --json -i 0.05 -- "$W/heap_threads" 4 2000000 >"$TMPD/iv" 2>"$TMPD/err" || fail "heap -i exited $?: $(cat "$TMPD/err")"
n=$(jq -r 'select(.type=="heap_interval") | .interval' "$TMPD/iv" | wc -l)
assert_ge "$n" 3 "intervals"
assert_eq "$(jq -r 'select(.type=="heap_interval") | .interval' "$TMPD/iv" | tail -1)" "$n" "intervals numbered from 1"
assert_eq "$(jq -r 'select(.type=="heap_interval") | .heap_bytes' "$TMPD/iv" | tail -1)" \
	"$(jq -r 'select(.type=="heap_summary") | .leaked_bytes' "$TMPD/iv")" "last sample = what is left"
"$MEMMON" heap -i 0.05 -- "$W/heap_threads" 1 1000000 >"$TMPD/ivt" 2>&1 || fail "heap -i (text) exited $?"
grep -qE '^[0-9]+\.[0-9]{3} s: heap [0-9]+ bytes$' "$TMPD/ivt" || { cat "$TMPD/ivt"; fail "no interval line"; }

# --svg: written whole at the end; a symlink at the target is refused before the run
"$MEMMON" heap --svg "$TMPD/heap.svg" -- "$W/heap_shape" >/dev/null 2>&1 || fail "heap --svg exited $?"
assert_contains "$TMPD/heap.svg" "<polyline"
assert_contains "$TMPD/heap.svg" "memmon heap: "
assert_eq "$(stat -c %a "$TMPD/heap.svg")" 600 "svg mode"
ln -s /etc/passwd "$TMPD/link.svg"
"$MEMMON" heap --svg "$TMPD/link.svg" -- "$W/heap_shape" >"$TMPD/out" 2>"$TMPD/err"
assert_eq "$?" 1 "svg over a symlink"
assert_contains "$TMPD/err" "cannot write $TMPD/link.svg"
assert_eq "$(cat "$TMPD/out")" "" "nothing ran"
echo ok
