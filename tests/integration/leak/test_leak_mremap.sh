#!/usr/bin/env bash
# memmon leak follows anonymous mappings through munmap of any range and every kind of
# mremap: exact bytes and allocation counts per allocating function (see leak_mremap.c).
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS
PG=4096

# The workload's own stacks (thread creation's DTV callocs in ld.so are not its doing),
# totalled by allocating function: while the other thread holds the mm lock to map, a
# walk may find a mapping it has not cached yet unreadable and stop early (counted as
# "mapping lookup busy"), which makes a second, shorter stack for the same function.
own_rows() {
	jq -rs --arg exe "$W/leak_mremap" '[.[] | select(.type=="leak_stack" and .frames[0].module==$exe)]
		| group_by([.frames[0].symbol, .allocator])[]
		| [.[0].frames[0].symbol, .[0].allocator, (map(.bytes) | add), (map(.count) | add)] | @tsv' "$1" | sort
}
printf '%s\n' \
	"split_middle	mmap	$((6 * PG))	2" \
	"trim_tail	mmap	$((5 * PG))	1" \
	"pair_first	mmap	$((5 * PG))	1" \
	"pair_second	mmap	$((5 * PG))	1" \
	"grow_in_place	mmap	$((10 * PG))	1" \
	"grow_moving	mmap	$((12 * PG))	1" \
	"shrink	mmap	$((3 * PG))	1" \
	"move_fixed	mmap	$((4 * PG))	1" \
	"dontunmap_source	mmap	$((4 * PG))	1" \
	"dontunmap_copy	mremap	$((4 * PG))	1" \
	"grow_big	realloc	600000	1" \
	"churn_move	mmap	$((200 * 8 * PG))	200" \
	"churn_map	mmap	$((200 * 2 * PG))	200" | sort >"$TMPD/expect.tsv"

# 1. Per-stack totals at exit (the default report), and nothing lost.
"$MEMMON" leak --json --top 100 -- "$W/leak_mremap" >"$TMPD/json" 2>"$TMPD/err" || fail "leak exited $?: $(cat "$TMPD/err")"
own_rows "$TMPD/json" >"$TMPD/got.tsv"
diff "$TMPD/expect.tsv" "$TMPD/got.tsv" || fail "mapping table differs (expected < > got)"
assert_eq "$(jq -r 'select(.type=="leak_summary") | [.lost_events,.allocs_dropped,.pending_dropped,.errors] | @tsv' "$TMPD/json")" \
	"$(printf '0\t0\t0\t0')" "nothing lost, no errors"
# the moved and resized mappings keep the stack of their mmap: its caller's caller is main
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="grow_moving") | .frames[1].symbol' "$TMPD/json")" main "moved mapping's stack"
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="pair_second") | .frames[1].symbol' "$TMPD/json")" unmap_across_pair "trimmed mapping's stack"

# 2. The same through each allocation (--show-allocs): every piece with its size.
"$MEMMON" leak --json --top 100 --show-allocs -- "$W/leak_mremap" >"$TMPD/show" 2>"$TMPD/err" || fail "--show-allocs run exited $?"
own_rows "$TMPD/show" >"$TMPD/got2.tsv"
diff "$TMPD/expect.tsv" "$TMPD/got2.tsv" || fail "--show-allocs mapping table differs (expected < > got)"
# page-sized pieces: split_middle's two of 3 pages, shrink's 3 pages; one mremap copy
assert_eq "$(jq -r 'select(.type=="leak_alloc" and .allocator=="mmap" and .size==3*4096) | .addr' "$TMPD/show" | sort -u | wc -l)" 3 "3-page mappings"
assert_eq "$(jq -r 'select(.type=="leak_alloc" and .allocator=="mremap") | .size' "$TMPD/show")" $((4 * PG)) "the DONTUNMAP copy"
assert_eq "$(jq -r 'select(.type=="leak_alloc" and .allocator=="realloc") | .size' "$TMPD/show")" 600000 "the realloc grown by mremap"

# 3. Text: a split mapping counts as two allocations.
"$MEMMON" leak --top 100 -- "$W/leak_mremap" >"$TMPD/text" 2>/dev/null || fail "text run failed"
grep -A1 "^$((6 * PG)) bytes in 2 allocations via mmap" "$TMPD/text" | tail -1 >"$TMPD/split"
assert_contains "$TMPD/split" "split_middle+0x"
echo ok
