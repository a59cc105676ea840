#!/usr/bin/env bash
# memmon heap against heaptrack on real Debian programs (coreutils, built -O2 without frame
# pointers), both run here on the same input: allocations, temporary allocations (heaptrack's
# rule: the thread's next call frees a block of the last allocation's stack and size) and
# leaked bytes agree exactly (preload mode; test_heap_attach holds -p to the same counts).
#
# Two differences are heaptrack's own and taken out of its figures: the allocation its
# preloaded libstdc++ makes in its constructor (the exception pool, under _dl_init; the
# programs here make none there, memmon's rows are filtered the same way), and its
# built-in leak suppressions (--disable-builtin-suppressions).
source "$(dirname "$0")/../lib.sh"
command -v heaptrack_print >/dev/null || fail "heaptrack is not installed (scripts/setup.sh installs it)"

# "allocations temporary leaked_bytes" of heaptrack's run in $1 (a .zst), from its folded
# stacks (exact counts and bytes; its text report rounds), constructors left out
heaptrack_totals() {
	local t
	for t in allocations temporary leaked; do
		heaptrack_print -f "$1" --disable-builtin-suppressions --flamegraph-cost-type $t \
			-F "$TMPD/folded.$t" >/dev/null 2>&1 || fail "heaptrack_print -F $t"
		grep -v '_dl_init' "$TMPD/folded.$t" | awk '{s += $NF} END {printf "%d", s}'
		[ $t = leaked ] || printf ' '
	done
}
# the same three of memmon heap's JSON in $1
memmon_totals() {
	jq -rs '[.[] | select(.type=="heap_stack" and ([.frames[].symbol] | index("_dl_init") | not))] |
		"\(map(.allocations) | add) \(map(.temporary) | add) \(map(.leaked_bytes) | add)"' "$1"
}

compare() { # NAME CMD...: the program run under heaptrack, then under memmon heap
	local name=$1
	shift
	(cd "$TMPD" && heaptrack -o "$TMPD/ht-$name" "$@" >/dev/null 2>&1) || fail "heaptrack $name failed"
	"$MEMMON" heap --json --top 0 -- "$@" >"$TMPD/mm-$name.json" 2>"$TMPD/err" ||
		fail "memmon heap $name: $(cat "$TMPD/err")"
	local ht mm
	ht=$(heaptrack_totals "$TMPD/ht-$name.zst")
	mm=$(memmon_totals "$TMPD/mm-$name.json")
	assert_eq "$mm" "$ht" "$name: allocations, temporary, leaked bytes (memmon = heaptrack)"
	read -r a t _ <<<"$mm"
	assert_ge "$a" "${MIN_ALLOCS:-100}" "$name: allocations made"
	assert_ge "$t" 10 "$name: temporary allocations made"
	assert_eq "$(jq -r 'select(.type=="heap_summary") | .lost_events' "$TMPD/mm-$name.json")" 0 "$name: lost events"
}

# ls -lR walks a tree of a few hundred files: thousands of allocations, most temporary
MIN_ALLOCS=1000 compare ls /usr/bin/ls -lR /usr/include/linux
# sort of 20000 shuffled lines (a fixed order: the same input for both)
seq 20000 | awk '{print ($1 * 7919) % 20011}' >"$TMPD/lines"
compare sort /usr/bin/sort "$TMPD/lines"

echo "heap vs heaptrack on Debian programs OK"
