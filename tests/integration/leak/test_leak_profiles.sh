#!/usr/bin/env bash
# leak --pprof/--folded/--flamegraph of leak_three (three leak sites: leak_large 2 x 100000,
# leak_medium 5 x 20000, leak_small 10 x 1000 bytes, the rest freed): go tool pprof reads
# exactly those three functions with their bytes and counts, the same stacks as the text
# report, the program's build-id; the folded stacks are those stacks root first.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v go >/dev/null || fail "go (golang-go) is needed for go tool pprof: scripts/setup.sh"
export HOME=$TMPD GOCACHE=$TMPD/gocache GOFLAGS=-mod=mod GOTOOLCHAIN=local
W=$WORKLOADS/leak_three
"$MEMMON" leak -i 0 --pprof "$TMPD/l.pb.gz" --folded "$TMPD/l.folded" --flamegraph "$TMPD/l.svg" \
	-- "$W" >"$TMPD/report" 2>"$TMPD/err" || { cat "$TMPD/err"; fail "leak --pprof"; }
assert_contains "$TMPD/report" "310000 bytes outstanding in 17 allocations from 3 stacks"
assert_eq "$(stat -c %a "$TMPD/l.pb.gz")" 600 "mode of --pprof's file"
assert_eq "$(head -c 2 "$TMPD/l.pb.gz" | od -An -tx1 | tr -d ' ')" 1f8b "gzip magic"

# 1. -top: the three leak sites are the only functions with flat bytes, exactly theirs.
go tool pprof -top -unit=B -sample_index=inuse_space "$TMPD/l.pb.gz" >"$TMPD/top" 2>&1 || { cat "$TMPD/top"; fail "pprof -top"; }
awk '$1 ~ /^[0-9]+B$/ && $1 != "0" {print $1, $6}' "$TMPD/top" | sort >"$TMPD/flat"
printf '10000B leak_small\n100000B leak_medium\n200000B leak_large\n' | sort >"$TMPD/want"
diff "$TMPD/want" "$TMPD/flat" || { cat "$TMPD/top"; fail "pprof -top flat bytes"; }
assert_contains "$TMPD/top" "Type: inuse_space"
go tool pprof -top -sample_index=inuse_objects "$TMPD/l.pb.gz" >"$TMPD/objs" 2>&1
awk '$1 ~ /^[0-9]+$/ && $1 != "0" {print $1, $6}' "$TMPD/objs" | sort >"$TMPD/flat_objs"
printf '10 leak_small\n2 leak_large\n5 leak_medium\n' | sort >"$TMPD/want_objs"
diff "$TMPD/want_objs" "$TMPD/flat_objs" || { cat "$TMPD/objs"; fail "pprof inuse_objects"; }
# the default sample type is inuse_space: no -sample_index needed
go tool pprof -top -unit=B "$TMPD/l.pb.gz" 2>&1 | grep -q "Type: inuse_space" || fail "default_sample_type"

# 2. -traces: the same stacks, frame by frame, with the same bytes as the text report.
go tool pprof -traces -unit=B "$TMPD/l.pb.gz" >"$TMPD/traces" 2>&1
python3 "$(dirname "$0")/../lib_pprof_matches_report.py" leak "$TMPD/report" "$TMPD/traces" || fail "pprof -traces differs from the report"

# 3. file:line and the mapping: the source line of each leak site, the build-id of the file.
go tool pprof -top -lines -unit=B "$TMPD/l.pb.gz" >"$TMPD/lines" 2>&1
for f in leak_small leak_medium leak_large; do
	line=$(grep -n "^__attribute__((noinline)) static void $f" "$MEMMON_ROOT/tests/workloads/leak_three.c" | cut -d: -f1)
	assert_contains "$TMPD/lines" "$f tests/workloads/leak_three.c:$((line + 3))"
done
bid=$(readelf -n "$W" | awk '/Build ID/ {print $3}')
[ -n "$bid" ] || fail "leak_three has no build-id"
go tool pprof -raw "$TMPD/l.pb.gz" >"$TMPD/raw" 2>&1
assert_contains "$TMPD/raw" "$W $bid [FN][FL][LN][IN]"

# 4. --folded: one line per stack, root first, the report's bytes.
P='_start;__libc_start_main@@GLIBC_2.34;__libc_start_call_main;main'
printf '%s\n' "$P;leak_large 200000" "$P;leak_medium 100000" "$P;leak_small 10000" >"$TMPD/want_folded"
diff "$TMPD/want_folded" "$TMPD/l.folded" || fail "--folded"
# --folded -: the folded stacks are the report on stdout, the text report is not printed
# (and with -o they go to its file); --json as well is refused.
"$MEMMON" leak -i 0 --folded - -- "$W" >"$TMPD/stdout.folded" 2>"$TMPD/err" || fail "leak --folded -"
diff "$TMPD/want_folded" "$TMPD/stdout.folded" || fail "--folded - is the whole stdout"
"$MEMMON" leak -i 0 --folded - -o "$TMPD/o.folded" -- "$W" >"$TMPD/stdout2" 2>"$TMPD/err" || fail "leak --folded - -o"
diff "$TMPD/want_folded" "$TMPD/o.folded" || fail "--folded - with -o FILE"
assert_eq "$(wc -c <"$TMPD/stdout2")" 0 "stdout with --folded - -o FILE"
"$MEMMON" leak -i 0 --json --folded - -- true >/dev/null 2>"$TMPD/e"
assert_eq $? 2 "leak --json --folded -"
assert_contains "$TMPD/e" "--folded - (to stdout) and --json cannot be combined"

# 5. --flamegraph: an SVG with the three sites as text and their hover details.
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$TMPD/l.svg" || fail "the SVG is not well-formed XML"
for f in leak_large leak_medium leak_small; do assert_contains "$TMPD/l.svg" "<title>$f (tests/workloads/leak_three.c:"; done
# the labels of the two wide frames are whole; leak_small (3%) is too narrow for its name
for f in leak_large leak_medium; do assert_contains "$TMPD/l.svg" ">$f</text>"; done
assert_contains "$TMPD/l.svg" "<title>leak_large (tests/workloads/leak_three.c:"
assert_contains "$TMPD/l.svg" "195.3 KiB (200000 bytes), 64.52%</title>"

# 6. A bad path fails before tracing; nothing is written.
"$MEMMON" leak -i 0 --pprof $TMPD/missing/x.pb.gz -- touch "$TMPD/ran" >/dev/null 2>"$TMPD/e"
assert_eq $? 1 "--pprof in a missing directory"
assert_contains "$TMPD/e" "memmon leak: cannot write $TMPD/missing/x.pb.gz: its directory"
[ ! -e "$TMPD/ran" ] || fail "the program ran although --pprof could not be written"
echo PASS
