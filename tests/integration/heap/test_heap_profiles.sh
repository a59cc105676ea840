#!/usr/bin/env bash
# memmon heap --pprof/--folded/--flamegraph of heap_shape (-O2, no frame pointers: hold_peak
# 64 x 65536 bytes freed, churn 50000 x 40 bytes freed, leak_some 100 x 48 bytes leaked):
# go tool pprof reads the three sites with exactly their figures under each of Go's four
# heap sample types (in use = leaked at the end, the default); the folded stacks and the
# flame graph count bytes allocated, every site down to main; --diff takes the --pprof file
# of an earlier run as BASE.
source "$(dirname "$0")/../lib.sh"
command -v go >/dev/null || fail "go (golang-go) is needed for go tool pprof: scripts/setup.sh"
export HOME=$TMPD GOCACHE=$TMPD/gocache GOFLAGS=-mod=mod GOTOOLCHAIN=local
W=$WORKLOADS/o2
SRC="$MEMMON_ROOT/tests/workloads/o2/heap_shape.c"
line_of() { grep -n "/\* $1 \*/" "$SRC" | head -1 | cut -d: -f1; }
"$MEMMON" heap --pprof "$TMPD/h.pb.gz" --folded "$TMPD/h.folded" --flamegraph "$TMPD/h.svg" \
	-- "$W/heap_shape" >"$TMPD/report" 2>"$TMPD/err" || { cat "$TMPD/err"; fail "heap --pprof"; }
assert_contains "$TMPD/report" "100 allocations, 4800 bytes allocated, 0 temporary, 0 bytes at peak, 4800 bytes leaked in 100 blocks"
assert_eq "$(stat -c %a "$TMPD/h.pb.gz")" 600 "mode of --pprof's file"

# 1. -top under each sample type: the flat values of the three sites (other stacks, glibc's
# own, are not theirs); a site with nothing under a type is not listed.
flat() { # SAMPLE_INDEX UNIT_SUFFIX
	go tool pprof -top -nodefraction=0 -unit=B -sample_index="$1" "$TMPD/h.pb.gz" >"$TMPD/top.$1" 2>&1 ||
		{ cat "$TMPD/top.$1"; fail "pprof -top -sample_index=$1"; }
	grep -q "Type: $1" "$TMPD/top.$1" || fail "no Type: $1"
	awk '$1 ~ /^[0-9]+B?$/ && $1 != "0" && ($6 == "hold_peak" || $6 == "churn" || $6 == "leak_some") {print $1, $6}' \
		"$TMPD/top.$1" | sort
}
assert_eq "$(flat alloc_objects)" "$(printf '100B leak_some\n50000B churn\n64B hold_peak')" "alloc_objects"
assert_eq "$(flat alloc_space)" "$(printf '2000000B churn\n4194304B hold_peak\n4800B leak_some')" "alloc_space"
assert_eq "$(flat inuse_objects)" "100B leak_some" "inuse_objects"
assert_eq "$(flat inuse_space)" "4800B leak_some" "inuse_space"
# inuse_space is the default sample type
go tool pprof -top -unit=B "$TMPD/h.pb.gz" 2>&1 | grep -q "Type: inuse_space" || fail "default_sample_type"
# file:line of each site, the program's build-id in its mapping
go tool pprof -top -lines -nodefraction=0 -unit=B -sample_index=alloc_space "$TMPD/h.pb.gz" >"$TMPD/lines" 2>&1
assert_contains "$TMPD/lines" "hold_peak tests/workloads/o2/heap_shape.c:$(line_of HOLD_LINE)"
assert_contains "$TMPD/lines" "churn tests/workloads/o2/heap_shape.c:$(line_of CHURN_LINE)"
assert_contains "$TMPD/lines" "leak_some tests/workloads/o2/heap_shape.c:$(line_of LEAK_LINE)"
bid=$(readelf -n "$W/heap_shape" | awk '/Build ID/ {print $3}')
[ -n "$bid" ] || fail "heap_shape has no build-id"
go tool pprof -raw "$TMPD/h.pb.gz" >"$TMPD/raw" 2>&1
assert_contains "$TMPD/raw" "$W/heap_shape $bid [FN][FL][LN][IN]"
# every sample's pid label is the program's (heap_process's), not the symbolizer's key
"$MEMMON" heap --json --pprof "$TMPD/j.pb.gz" -- "$W/heap_shape" >"$TMPD/j" 2>"$TMPD/err" || fail "heap --json --pprof"
go tool pprof -raw "$TMPD/j.pb.gz" >"$TMPD/jraw" 2>&1
assert_eq "$(grep -o 'pid:\[[0-9]*\]' "$TMPD/jraw" | sort -u)" "pid:[$(jq -r 'select(.type=="heap_process") | .pid' "$TMPD/j")]" "pid label"

# 2. --folded: the three sites' stacks root first with bytes allocated.
P='_start;__libc_start_main@@GLIBC_2.34;__libc_start_call_main;main'
grep ";main;" "$TMPD/h.folded" | sort >"$TMPD/got_folded"
printf '%s\n' "$P;churn 2000000" "$P;hold_peak 4194304" "$P;leak_some 4800" | sort >"$TMPD/want_folded"
diff "$TMPD/want_folded" "$TMPD/got_folded" || fail "--folded"
# --folded -: the folded stacks are the whole stdout
"$MEMMON" heap --folded - -- "$W/heap_shape" >"$TMPD/stdout.folded" 2>"$TMPD/err" || fail "heap --folded -"
diff "$TMPD/h.folded" "$TMPD/stdout.folded" || fail "--folded - is the whole stdout"
"$MEMMON" heap --json --folded - -- true >/dev/null 2>"$TMPD/e"
assert_eq $? 2 "heap --json --folded -"

# 3. --flamegraph: well-formed SVG with the three sites and their bytes in the hover text.
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$TMPD/h.svg" || fail "the SVG is not well-formed XML"
assert_contains "$TMPD/h.svg" "<title>hold_peak (tests/workloads/o2/heap_shape.c:$(line_of HOLD_LINE)): "
assert_contains "$TMPD/h.svg" "(4194304 bytes)"
assert_contains "$TMPD/h.svg" "<title>churn (tests/workloads/o2/heap_shape.c:$(line_of CHURN_LINE)): "
assert_contains "$TMPD/h.svg" "(2000000 bytes)"
assert_contains "$TMPD/h.svg" "<title>leak_some (tests/workloads/o2/heap_shape.c:$(line_of LEAK_LINE)): "
assert_contains "$TMPD/h.svg" "memmon heap: bytes allocated by $W/heap_shape"

# 4. --diff BASE.pb.gz: the leak doubled, only leak_some's stack differs; temporary and
# peak are not in a pprof base (null).
"$MEMMON" heap --pprof "$TMPD/base.pb.gz" -- "$W/heap_shape" 50000 100 >/dev/null 2>"$TMPD/err" || fail "base run: $(cat "$TMPD/err")"
"$MEMMON" heap --json --diff "$TMPD/base.pb.gz" -- "$W/heap_shape" 50000 200 >"$TMPD/diff" 2>"$TMPD/err" || fail "diff run: $(cat "$TMPD/err")"
assert_eq "$(jq -r 'select(.type=="heap_diff_stack") | "\(.change) \(.frames[0].symbol) \(.base_allocations)->\(.allocations) \(.base_allocated_bytes)->\(.allocated_bytes) \(.base_leaked_bytes)->\(.leaked_bytes) \(.base_leaked_count)->\(.leaked_count) \(.base_temporary) \(.base_peak_bytes)"' "$TMPD/diff")" \
	"grew leak_some 100->200 4800->9600 4800->9600 100->200 null null" "the one stack that changed"
"$MEMMON" heap --diff "$TMPD/base.pb.gz" -- "$W/heap_shape" 50000 100 >"$TMPD/same" 2>&1 || fail "same diff exited $?"
assert_contains "$TMPD/same" "0 stacks differ from the base"
# a leak --pprof (no alloc_* types) and a broken gzip: clear errors, exit 1
require_bpf
"$MEMMON" leak -i 0 --pprof "$TMPD/leak.pb.gz" -- true >/dev/null 2>"$TMPD/err" || fail "leak --pprof: $(cat "$TMPD/err")"
"$MEMMON" heap --diff "$TMPD/leak.pb.gz" -- true >/dev/null 2>"$TMPD/e"
assert_eq $? 1 "a leak profile as base"
assert_contains "$TMPD/e" "is not a --pprof file of memmon heap (no alloc_objects, alloc_space, inuse_objects and inuse_space)"
printf '\037\213garbage' >"$TMPD/bad.gz"
"$MEMMON" heap --diff "$TMPD/bad.gz" -- true >/dev/null 2>"$TMPD/e"
assert_eq $? 1 "broken gzip base"
assert_contains "$TMPD/e" "memmon heap: $TMPD/bad.gz: not a readable gzip file"

# 5. A bad path fails before the program runs; nothing is written.
"$MEMMON" heap --pprof "$TMPD/missing/x.pb.gz" -- touch "$TMPD/ran" >/dev/null 2>"$TMPD/e"
assert_eq $? 1 "--pprof in a missing directory"
assert_contains "$TMPD/e" "memmon heap: cannot write $TMPD/missing/x.pb.gz: its directory"
[ ! -e "$TMPD/ran" ] || fail "the program ran although --pprof could not be written"
echo ok
