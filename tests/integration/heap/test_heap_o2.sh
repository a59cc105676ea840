#!/usr/bin/env bash
# memmon heap -- PROGRAM (preload, exact) on code built -O2 without frame pointers:
# heap_shape holds 4 MiB from hold_peak (the peak), makes 50000 temporary allocations from
# churn and leaks 100 blocks from leak_some. The report names each with exact figures and
# its stack down to main at the right lines, in JSON and text; heaptrack on the same
# program agrees. heap_threads: 4 threads x 1000000 pairs, totals exact, nothing lost.
# heap_same_site: one site, two callers, the same ip and sp at each walk: two stacks.
# heap_handoff: blocks freed on another thread, their addresses reused: every free merged
# in its place.
source "$(dirname "$0")/../lib.sh"
W=$WORKLOADS/o2
SRC="$MEMMON_ROOT/tests/workloads/o2"
line_of() { grep -n "/\* $2 \*/" "$SRC/$1" | head -1 | cut -d: -f1; }
command -v heaptrack_print >/dev/null || fail "heaptrack is not installed (scripts/setup.sh installs it)"
source "$(dirname "$0")/heap_shape_expect.sh"
"$MEMMON" heap --json --top 0 -- "$W/heap_shape" >"$TMPD/json" 2>"$TMPD/err" || fail "heap exited $?: $(cat "$TMPD/err")"
assert_heap_shape_json "$TMPD/json"

# the same in text
"$MEMMON" heap -- "$W/heap_shape" >"$TMPD/text" 2>&1 || fail "heap (text) exited $?"
assert_heap_shape_text "$TMPD/text"
assert_contains "$TMPD/text" "hold_peak+"

# heaptrack on the same program: the same call sites with the same counts. Its sections
# list "N calls ... from\nFUNCTION\n  at FILE:LINE"; "N temporary allocations ... from"; its
# peak consumers "4.19M peak memory consumed over 64 calls from hold_peak".
(cd "$TMPD" && heaptrack -o "$TMPD/ht" "$W/heap_shape" >/dev/null 2>&1) || fail "heaptrack failed"
heaptrack_print -f "$TMPD/ht.zst" >"$TMPD/htp" 2>/dev/null || fail "heaptrack_print failed"
python3 - "$TMPD/htp" "$(shape_line HOLD_LINE)" "$(shape_line CHURN_LINE)" "$(shape_line LEAK_LINE)" <<'PY' || fail "heaptrack disagrees"
import re, sys
text = open(sys.argv[1]).read()
hold, churn, leak = sys.argv[2:5]
def section(name):
    m = re.search(name + r"\n(.*?)(\n\n\n|\ntotal runtime)", text, re.S)
    return m.group(1) if m else ""
def site(sec, pattern, fn, line):
    m = re.search(pattern + r" from\n" + fn + r"\n  at tests/workloads/o2/heap_shape.c:" + line + "\n", sec)
    if not m:
        sys.exit("heaptrack: no '%s' for %s:%s in\n%s" % (pattern, fn, line, sec))
    return m
calls = section("MOST CALLS TO ALLOCATION FUNCTIONS")
site(calls, r"64 calls to allocation functions with 4.19M peak consumption", "hold_peak", hold)
site(calls, r"50000 calls to allocation functions with 0B peak consumption", "churn", churn)
site(calls, r"100 calls to allocation functions with 0B peak consumption", "leak_some", leak)
site(section("PEAK MEMORY CONSUMERS"), r"4.19M peak memory consumed over 64 calls", "hold_peak", hold)
temp = section("MOST TEMPORARY ALLOCATIONS")
site(temp, r"50000 temporary allocations of 50000 allocations in total \(100.00%\)", "churn", churn)
site(temp, r"1 temporary allocations of 64 allocations in total \(1.56%\)", "hold_peak", hold)
if "total memory leaked: 4.80K" not in text:
    sys.exit("heaptrack leaked total differs")
PY

# 4 threads x 1000000 malloc/free pairs at once: exact totals, no event lost
"$MEMMON" heap --json -- "$W/heap_threads" 4 1000000 >"$TMPD/mt" 2>"$TMPD/err" || fail "heap exited $?: $(cat "$TMPD/err")"
assert_eq "$(jq -r 'select(.type=="heap_stack") | select(.frames[0].symbol=="worker")
	| "\(.allocations) \(.temporary) \(.leaked_count) \(.frames[0].line) \(.stack_end)"' "$TMPD/mt")" \
	"4000000 4000000 0 $(line_of heap_threads.c PAIR_LINE) complete" "the pairs' row"
assert_eq "$(jq -r 'select(.type=="heap_summary") | "\(.lost_events) \(.temporary)"' "$TMPD/mt")" "0 4000000" "lost events, temporary"
# every other allocation is the threads' TLS (glibc's, one per thread, kept with the cached stacks)
assert_eq "$(jq -r 'select(.type=="heap_summary") | .allocations' "$TMPD/mt")" "4000004" "allocations"

# one malloc call site reached in turn from two callers, every walk starting at the same ip
# and sp: two stacks, not one (the library's walk cache checks every word a walk read)
S=heap_same_site.c
printf '%s\n' \
	"1000 24000 0 24000 24000 1000 | alloc_here:$(line_of $S SITE_LINE) via_a:$(line_of $S A_LINE) main:$(line_of $S MAIN_LINE)" \
	"1000 40000 0 40000 40000 1000 | alloc_here:$(line_of $S SITE_LINE) via_b:$(line_of $S B_LINE) main:$(line_of $S MAIN_LINE)" \
	| sort >"$TMPD/expect_same"
"$MEMMON" heap --json --top 0 -- "$W/heap_same_site" 1000 >"$TMPD/same" 2>"$TMPD/err" || fail "heap exited $?: $(cat "$TMPD/err")"
rows_of "$TMPD/same" >"$TMPD/got_same"
diff "$TMPD/expect_same" "$TMPD/got_same" || fail "heap_same_site rows differ (expected < > got)"

# blocks freed by a short-lived thread, their addresses reused by the main thread alone:
# 20 rounds of 1000; every free merged between its allocation and the address's next one
H=heap_handoff.c
"$MEMMON" heap --json --top 0 -- "$W/heap_handoff" 20 1000 >"$TMPD/handoff" 2>"$TMPD/err" || fail "heap exited $?: $(cat "$TMPD/err")"
assert_eq "$(jq -r 'select(.type=="heap_stack") | select(.frames[1].symbol=="main")
	| "\(.frames[0].symbol):\(.frames[0].line) \(.allocations) \(.leaked_count) \(.temporary)"' "$TMPD/handoff" | sort)" \
	"first:$(line_of $H FIRST_LINE) 20000 0 0
second:$(line_of $H SECOND_LINE) 20000 1000 19" "heap_handoff rows"
assert_eq "$(jq -r 'select(.type=="heap_summary") | "\(.unknown_frees) \(.lost_events)"' "$TMPD/handoff")" "0 0" "heap_handoff: frees of unknown blocks, lost events"
echo "ok"
