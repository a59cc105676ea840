#!/usr/bin/env bash
# memmon leak on programs with known leaks: exact bytes, counts, functions and lines.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS
SRC="$MEMMON_ROOT/tests/workloads"
line_of() { grep -n "$2" "$SRC/$1" | head -1 | cut -d: -f1; }

# 1. 100 blocks of 4096 bytes from leak_pages(), launched with --; text report.
"$MEMMON" leak -- "$W/leak_fixed" >"$TMPD/text" 2>"$TMPD/err" || fail "leak exited $?"
line=$(line_of leak_fixed.c LEAK_LINE)
assert_contains "$TMPD/text" "report 1 (program exited): 409600 bytes outstanding in 100 allocations from 1 stack"
grep -A1 "^409600 bytes in 100 allocations via malloc" "$TMPD/text" | tail -1 >"$TMPD/first"
assert_contains "$TMPD/first" "leak_pages+0x"
assert_contains "$TMPD/first" "leak_fixed.c:$line"
assert_contains "$TMPD/text" "lost events: 0"

# 2. The same in JSON: the first frame below the allocator is leak_pages at that line.
"$MEMMON" leak --json -- "$W/leak_fixed" >"$TMPD/json" 2>/dev/null || fail "json run failed"
assert_eq "$(jq -r 'select(.type=="leak_stack") | [.bytes,.count,.allocator,.frames[0].symbol,.frames[0].line,.frames[1].symbol] | @tsv' "$TMPD/json")" \
	"$(printf '409600\t100\tmalloc\tleak_pages\t%s\tmain' "$line")" "json leak stack"
assert_eq "$(jq -r 'select(.type=="leak_summary") | [.bytes,.count,.lost_events] | @tsv' "$TMPD/json")" "$(printf '409600\t100\t0')" "json totals"
# every frame has the documented fields
assert_eq "$(jq -r 'select(.type=="leak_stack") | .frames[0] | keys | join(",")' "$TMPD/json")" \
	"addr,file,inlined,line,mangled,module,module_offset,offset,symbol" "frame fields"

# 2b. The same through one perf-event uprobe per function, for kernels without uprobe_multi.
MEMMON_NO_UPROBE_MULTI=1 "$MEMMON" leak --json -- "$W/leak_fixed" >"$TMPD/json2" 2>/dev/null || fail "perf-uprobe run failed"
assert_eq "$(jq -r 'select(.type=="leak_stack") | [.bytes,.count,.frames[0].symbol,.frames[0].line] | @tsv' "$TMPD/json2")" \
	"$(printf '409600\t100\tleak_pages\t%s' "$line")" "perf-uprobe fallback"

# 3. Attach with -p to a running process; it exits mid-trace and the report is printed.
"$W/leak_fixed" wait &
pid=$!
on_exit "kill $pid 2>/dev/null"
"$MEMMON" leak --json -p "$pid" >"$TMPD/pjson" 2>"$TMPD/perr" & L=$!
wait_tracing "$TMPD/perr" $L
kill -USR1 $pid
wait $L || fail "-p run failed: $(cat "$TMPD/perr")"
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="leak_pages") | [.bytes,.count,.frames[0].line] | @tsv' "$TMPD/pjson")" \
	"$(printf '409600\t100\t%s' "$line")" "-p leak stack"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .reason' "$TMPD/pjson")" "traced processes exited" "-p end reason"

# 4. Leaks in a constructor, before main, are seen because the program is held before exec.
"$MEMMON" leak --json -- "$W/leak_ctor" >"$TMPD/ctor" 2>/dev/null || fail "ctor run failed"
cline=$(line_of leak_ctor.c CTOR_LEAK_LINE)
assert_eq "$(jq -r 'select(.type=="leak_stack") | [.bytes,.count,.allocator,.frames[0].symbol,.frames[0].line,.frames[1].symbol] | @tsv' "$TMPD/ctor")" \
	"$(printf '50000\t50\tcalloc\tinit_tables\t%s\tearly_setup' "$cline")" "constructor leak"

# 5. Every allocator function, with its size and caller; released blocks are not reported.
"$MEMMON" leak --json --top 50 -- "$W/all_allocators" >"$TMPD/all" 2>/dev/null || fail "all_allocators run failed"
jq -r 'select(.type=="leak_stack") | [.frames[0].symbol,.allocator,.bytes,.count] | @tsv' "$TMPD/all" | sort >"$TMPD/all.tsv"
printf '%s\n' "via_aligned_alloc	aligned_alloc	128	1" "via_calloc	calloc	21	1" \
	"via_malloc	malloc	11	1" "via_memalign	aligned_alloc	96	1" "via_mmap	mmap	65536	1" \
	"via_posix_memalign	posix_memalign	100	1" "via_pvalloc	pvalloc	4096	1" \
	"via_realloc_grow	realloc	1048576	1" "via_realloc_null	malloc	33	1" \
	"via_reallocarray	reallocarray	45	1" "via_valloc	valloc	200	1" | sort >"$TMPD/expect.tsv"
diff "$TMPD/expect.tsv" "$TMPD/all.tsv" || fail "allocator table differs (expected < > got)"

# 6. The built-in demo: a thread calloc()s 8 KiB per step, 10 steps a second.
"$MEMMON" leak --json -- "$(dirname "$MEMMON")/memmon-demo" 1 >"$TMPD/demo" 2>/dev/null || fail "demo run failed"
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="record_step") | [.bytes,.count,.allocator,.frames[0].symbol,.frames[1].symbol] | @tsv' "$TMPD/demo")" \
	"$(printf '81920\t10\tcalloc\trecord_step\tfibonacci_worker')" "demo leak"

# 7. Filters: --min-size hides the small leaks, --older-than with --show-allocs lists them.
"$MEMMON" leak --json --min-size 4096 -- "$W/all_allocators" >"$TMPD/min" 2>/dev/null
assert_eq "$(jq -r 'select(.type=="leak_summary") | .count' "$TMPD/min")" 3 "--min-size 4096 count"
"$MEMMON" leak --json --show-allocs -- "$W/leak_fixed" >"$TMPD/show" 2>/dev/null
assert_eq "$(jq -r 'select(.type=="leak_alloc" and .size==4096) | .addr' "$TMPD/show" | sort -u | wc -l)" 100 "--show-allocs addresses"
echo ok
