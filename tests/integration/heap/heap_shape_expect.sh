# What test_heap_o2.sh (preload) and test_heap_attach.sh (-p, uprobes) both expect of
# heap_shape (tests/workloads/o2/heap_shape.c): the two ways to collect give one report.
# Sourced, not run (the runner runs test_*.sh only). Needs lib.sh's TMPD and assert_*.
HEAP_SHAPE_SRC="$MEMMON_ROOT/tests/workloads/o2/heap_shape.c"
# the line of heap_shape.c marked /* MARK */
shape_line() { grep -n "/\* $1 \*/" "$HEAP_SHAPE_SRC" | head -1 | cut -d: -f1; }

# "allocations allocated_bytes temporary peak_bytes leaked_bytes leaked_count | fn:line ... main:line"
# for the heap_stack records of JSON file $1 that go through main; library frames dropped.
rows_of() {
	jq -r 'select(.type=="heap_stack")
		| [.frames[] | select(.symbol != null)] as $f
		| ([$f[].symbol] | index("main")) as $m
		| select($m != null)
		| "\(.allocations) \(.allocated_bytes) \(.temporary) \(.peak_bytes) \(.leaked_bytes) \(.leaked_count) |"
		  + ([$f[0:$m+1][] | " " + .symbol + ":\(.line)"] | join(""))' "$1" | sort
}

# heap_shape's three sites as rows_of prints them: hold_peak's 4 MiB held at the peak (one
# of its 64 blocks freed before the next allocation on the thread), churn's 50000
# temporary allocations, leak_some's 100 leaked blocks.
heap_shape_rows() {
	printf '%s\n' \
		"64 4194304 1 4194304 0 0 | hold_peak:$(shape_line HOLD_LINE) main:$(shape_line MAIN_HOLD)" \
		"50000 2000000 50000 0 0 0 | churn:$(shape_line CHURN_LINE) main:$(shape_line MAIN_CHURN)" \
		"100 4800 0 0 4800 100 | leak_some:$(shape_line LEAK_LINE) main:$(shape_line MAIN_LEAK)" | sort
}

# the JSON report $1 of heap_shape: its rows, whole stacks, the summary's figures
assert_heap_shape_json() {
	heap_shape_rows >"$TMPD/expect"
	rows_of "$1" >"$TMPD/got"
	diff "$TMPD/expect" "$TMPD/got" || fail "heap_stack rows differ (expected < > got)"
	assert_eq "$(jq -r 'select(.type=="heap_stack") | .frames[-1].symbol' "$1" | sort -u)" "_start" "outermost frame"
	assert_eq "$(jq -r 'select(.type=="heap_stack") | .stack_end' "$1" | sort -u)" "complete" "stack ends"
	assert_eq "$(jq -r 'select(.type=="heap_summary") | "\(.peak_bytes) \(.allocations) \(.temporary) \(.leaked_bytes) \(.leaked_count) \(.lost_events) \(.sample_bytes) \(.stack_ends.truncated)"' "$1")" \
		"4194304 50164 50001 4800 100 0 0 0" "heap_summary"
	assert_eq "$(jq -r 'select(.type=="heap_summary") | .peak_time_s > 0 and .peak_time_s < .seconds' "$1")" "true" "peak time within the run"
	assert_eq "$(tail -1 "$1" | jq -r .type)" "heap_summary" "last record"
}

# the text report $1 of heap_shape; SUFFIX $2 follows each row's figures (", pid N" with -p)
assert_heap_shape_text() {
	local f=$1 sfx=${2:-}
	assert_contains "$f" "64 allocations, 4194304 bytes allocated, 1 temporary, 4194304 bytes at peak, 0 bytes leaked in 0 blocks$sfx"
	assert_contains "$f" "heap_shape.c:$(shape_line HOLD_LINE) "
	assert_contains "$f" "50000 allocations, 2000000 bytes allocated, 50000 temporary, 0 bytes at peak, 0 bytes leaked in 0 blocks"
	assert_contains "$f" "heap_shape.c:$(shape_line CHURN_LINE) "
	assert_contains "$f" "100 allocations, 4800 bytes allocated, 0 temporary, 0 bytes at peak, 4800 bytes leaked in 100 blocks"
	assert_contains "$f" "heap_shape.c:$(shape_line LEAK_LINE) "
	assert_contains "$f" "heap: peak 4194304 bytes at "
	assert_contains "$f" "stacks: 3 of 3 complete"
	assert_contains "$f" "lost events: 0,"
}
