#!/usr/bin/env bash
# memmon leak on code built as distributions build it, -O2 without frame pointers, and on
# a real Debian program: stacks walked by call frame information are whole (down to main,
# through glibc and libstdc++, which have no frame pointers either), at the right lines,
# and one call site is one row.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS/o2
SRC="$MEMMON_ROOT/tests/workloads/o2"
line_of() { grep -n "$2" "$SRC/$1" | head -1 | cut -d: -f1; }

# A leak stack as "allocator bytes count | symbol:line ... down to main"; lines of the
# library frames (whose debug info may or may not be installed) are left out.
stacks_of() {
	jq -r --arg exe "$1" 'select(.type=="leak_stack")
		| [.frames[] | select(.symbol != null)] as $f
		| ([$f[].symbol] | index("main")) as $m
		| select($m != null)
		| "\(.allocator) \(.bytes) \(.count) |" + ([$f[0:$m+1][]
			| " " + .symbol + (if (.module | endswith("/" + $exe)) then ":\(.line)" else "" end)] | join(""))' "$2" | sort
}
summary() { jq -r "select(.type==\"leak_summary\") | $1" "$2"; }

# 1. A 4-deep chain of the program's own functions ending in glibc's strdup, and fopen.
F=leak_chain.c
printf '%s\n' \
	"malloc 1200 100 | __strdup copy_name:$(line_of $F STRDUP_LINE) intern_key:$(line_of $F INTERN_LINE) parse_section:$(line_of $F PARSE_LINE) load_config:$(line_of $F LOAD_LINE) main:$(line_of $F MAIN_CONFIG_LINE)" \
	"malloc 4720 10 | __fopen_internal open_one:$(line_of $F FOPEN_LINE) open_logs:$(line_of $F OPEN_LOGS_LINE) main:$(line_of $F MAIN_LOGS_LINE)" |
	sort >"$TMPD/expect"
"$MEMMON" leak --json -- "$W/leak_chain" >"$TMPD/chain" 2>"$TMPD/err" || fail "leak exited $?: $(cat "$TMPD/err")"
stacks_of leak_chain "$TMPD/chain" >"$TMPD/got"
diff "$TMPD/expect" "$TMPD/got" || fail "-O2 leak chain stacks differ (expected < > got)"
assert_eq "$(summary '.stack_ends | "\(.stacks) \(.complete) \(.truncated)"' "$TMPD/chain")" "2 2 0" "complete stacks"
# each stack goes on below main, to the process entry
assert_eq "$(jq -r 'select(.type=="leak_stack") | .frames[-1].symbol' "$TMPD/chain" | sort -u)" "_start" "outermost frame"
assert_eq "$(summary '.unwind_tables.files >= 3 and .unwind_tables.kernel_bytes_used > 0' "$TMPD/chain")" "true" "unwind table cost stated"
# the text report says it too
"$MEMMON" leak -- "$W/leak_chain" >"$TMPD/text" 2>&1 || fail "leak (text) exited $?"
assert_contains "$TMPD/text" "stacks: 2 of 2 complete"
assert_contains "$TMPD/text" "unwind tables: "

# 2. One call site leaking 10000 times in a loop: one row, not thousands.
"$MEMMON" leak --json -- "$W/leak_loop" >"$TMPD/loop" 2>"$TMPD/err" || fail "leak exited $?: $(cat "$TMPD/err")"
F=leak_loop.c
assert_eq "$(stacks_of leak_loop "$TMPD/loop")" \
	"malloc 160000 10000 | leak_records:$(line_of $F LOOP_LINE) main:$(line_of $F MAIN_LINE)" "loop leak rows"
assert_eq "$(summary '"\(.stacks) \(.count)"' "$TMPD/loop")" "1 10000" "stacks and allocations in the summary"

# 3. C++: operator new called from libstdc++'s out-of-line std::string::reserve and from
#    std::vector's growth (inlined templates named from the program's debug info).
F=leak_cxx.cc
"$MEMMON" leak --json -- "$W/leak_cxx" >"$TMPD/cxx" 2>"$TMPD/err" || fail "leak exited $?: $(cat "$TMPD/err")"
stacks_of leak_cxx "$TMPD/cxx" >"$TMPD/got"
reserve="operator new 5050 50 | std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::reserve(unsigned long) Registry::add_names(int):$(line_of $F RESERVE_LINE) main:$(line_of $F MAIN_NAMES_LINE)"
grep -qxF "$reserve" "$TMPD/got" || { cat "$TMPD/got"; fail "std::string::reserve stack missing"; }
growth=$(grep -F 'operator new 4096 1 |' "$TMPD/got") || { cat "$TMPD/got"; fail "vector growth stack missing"; }
case "$growth" in
*" std::vector<int, std::allocator<int> >::push_back(int const&):"*" Registry::grow_ids(int):$(line_of $F PUSH_BACK_LINE) main:$(line_of $F MAIN_IDS_LINE)") ;;
*) fail "vector growth stack: $growth" ;;
esac
grep -qxF "operator new 1600 50 | Registry::add_names(int):$(line_of $F NEW_STRING_LINE) main:$(line_of $F MAIN_NAMES_LINE)" "$TMPD/got" ||
	{ cat "$TMPD/got"; fail "new std::string stack missing"; }

# 4. A real Debian program against valgrind on the same run: the same call chains, every
#    one down to main. (The C locale: under C.UTF-8 glibc loads locale files, which
#    valgrind's run does differently. A fixed hash seed: perl's hashes then split at the
#    same moments in both runs, so the same allocations are live at exit.)
command -v valgrind >/dev/null || fail "valgrind is not installed (scripts/setup.sh installs it)"
export LC_ALL=C PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0
valgrind --leak-check=full --show-leak-kinds=all --num-callers=64 --xml=yes \
	--xml-file="$TMPD/vg.xml" perl -e 1 >/dev/null 2>&1 || fail "valgrind failed"
"$MEMMON" leak --json --top 100000 -- perl -e 1 >"$TMPD/perl" 2>"$TMPD/err" || fail "leak exited $?: $(cat "$TMPD/err")"
python3 "$(dirname "$0")/same_stacks_as_valgrind.py" "$TMPD/perl" "$TMPD/vg.xml" >"$TMPD/cmp" ||
	{ cat "$TMPD/cmp"; fail "perl -e 1: memmon's stacks differ from valgrind's"; }
assert_eq "$(summary '.stack_ends.truncated' "$TMPD/perl")" "0" "truncated perl stacks"
assert_ge "$(summary '.stacks' "$TMPD/perl")" 100 "perl stacks"
echo "ok: $(head -1 "$TMPD/cmp")"

# 5. --stack-walk fp walks by frame pointers only (what other eBPF tools do): through this
#    code it stops at the first frame, and says that the stacks were not walked by CFI.
"$MEMMON" leak --json --stack-walk fp -- "$W/leak_chain" >"$TMPD/fp" 2>"$TMPD/err" || fail "leak --stack-walk fp exited $?: $(cat "$TMPD/err")"
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="__strdup") | "\(.count) \(.frames | length) \(.stack_end)"' "$TMPD/fp")" \
	"100 1 not_walked" "frame-pointer walk through -O2 code"
assert_eq "$(summary '"\(.stack_ends.not_walked) \(.unwind_tables)"' "$TMPD/fp")" "2 null" "no CFI tables with --stack-walk fp"
