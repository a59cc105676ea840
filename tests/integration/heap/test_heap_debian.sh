#!/usr/bin/env bash
# memmon heap against heaptrack on real Debian programs (coreutils and perl, built -O2
# without frame pointers), both run here on the same input: allocations, temporary
# allocations (heaptrack's rule: the thread's next call frees a block of the last
# allocation's stack and size) and leaked bytes agree exactly (preload mode;
# test_heap_attach holds -p to the same counts).
#
# Differences that are heaptrack's own are taken out of its figures: the allocation its
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

# compare NAME CMD...: the program run under heaptrack, then under memmon heap. HT_ENV:
# variables for heaptrack's run only; FIELDS=2: allocations and temporary, not leaked bytes.
compare() {
	local name=$1
	shift
	# shellcheck disable=SC2086 # HT_ENV is a list of NAME=VALUE words
	(cd "$TMPD" && env ${HT_ENV:-} heaptrack -o "$TMPD/ht-$name" "$@" >/dev/null 2>&1) ||
		fail "heaptrack $name failed"
	"$MEMMON" heap --json --top 0 -- "$@" >"$TMPD/mm-$name.json" 2>"$TMPD/err" ||
		fail "memmon heap $name: $(cat "$TMPD/err")"
	local ht mm
	ht=$(heaptrack_totals "$TMPD/ht-$name.zst" | cut -d' ' -f1-"${FIELDS:-3}")
	mm=$(memmon_totals "$TMPD/mm-$name.json" | cut -d' ' -f1-"${FIELDS:-3}")
	assert_eq "$mm" "$ht" "$name: allocations, temporary[, leaked bytes] (memmon = heaptrack)"
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
# perl building a hash (its seed fixed: the same buckets both times). perl copies its
# environment, five allocations a variable: memmon's run has three variables heaptrack's
# has not (LD_PRELOAD, which heaptrack takes out, MEMMON_HEAP_FD, MEMMON_HEAP_UNWIND_FD),
# so heaptrack's run gets three of the same number; their values' lengths differ, so the
# leaked bytes (the copies are never freed) are not compared.
PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 HT_ENV="MEMMON_HEAP_FD=3 MEMMON_HEAP_UNWIND_FD=5 MEMMON_PAD=padding" \
	FIELDS=2 MIN_ALLOCS=3000 compare perl /usr/bin/perl -e 'my %h; $h{"k$_"} = [$_] for 1 .. 1000'

echo "heap vs heaptrack on Debian programs OK"
