#!/usr/bin/env bash
# faults --pprof/--folded/--flamegraph: fault_touch anon N takes exactly N faults of one page
# each in touch_anon_pages; go tool pprof reads those N faults and N pages of bytes, the
# same stacks as the text report; with --kernel-stacks, the N faults of fault_touch kread N
# (read(2) into fresh pages) sit under the kernel's own mapping with its build-id.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v go >/dev/null || fail "go (golang-go) is needed for go tool pprof: scripts/setup.sh"
export HOME=$TMPD GOCACHE=$TMPD/gocache GOTOOLCHAIN=local
W=$WORKLOADS/fault_touch
N=300
PAGE=$(getconf PAGESIZE)
"$MEMMON" faults --pprof "$TMPD/f.pb.gz" --folded "$TMPD/f.folded" --flamegraph "$TMPD/f.svg" \
	-- "$W" anon $N >"$TMPD/report" 2>"$TMPD/err" || { cat "$TMPD/err"; fail "faults --pprof"; }
assert_contains "$TMPD/report" "anon pages $N minflt $N majflt 0" # the program says so itself

# 1. -top: touch_anon_pages took exactly N faults, N pages of bytes; the default is faults.
go tool pprof -top "$TMPD/f.pb.gz" >"$TMPD/top" 2>&1 || { cat "$TMPD/top"; fail "pprof -top"; }
assert_contains "$TMPD/top" "Type: faults"
assert_eq "$(awk '$6 == "touch_anon_pages" {print $1}' "$TMPD/top")" $N "pprof faults of touch_anon_pages"
go tool pprof -top -sample_index=bytes -unit=B "$TMPD/f.pb.gz" >"$TMPD/bytes" 2>&1
assert_eq "$(awk '$6 == "touch_anon_pages" {print $1}' "$TMPD/bytes")" "$((N * PAGE))B" "pprof bytes of touch_anon_pages"
# the profile's total is the report's
total=$(sed -n 's/^== total over .* s: \([0-9]*\) faults .*/\1/p' "$TMPD/report")
assert_contains "$TMPD/top" "Total samples = $total"

# 2. -traces: every stack of the report, frame by frame (inlined frames of ld.so included),
# with its faults.
go tool pprof -traces "$TMPD/f.pb.gz" >"$TMPD/traces" 2>&1
python3 "$(dirname "$0")/../lib_pprof_matches_report.py" faults "$TMPD/report" "$TMPD/traces" || fail "pprof -traces differs from the report"
grep -q "(inline)" "$TMPD/traces" || fail "no inlined frame in the profile (ld.so's are inlined)"

# 3. --folded: the process is the root, the same N.
grep -qE "^fault_touch;_start;(.*;)?main;touch_anon_pages $N\$" "$TMPD/f.folded" || { cat "$TMPD/f.folded"; fail "folded line"; }
assert_eq "$(awk '{s += $NF} END {print s}' "$TMPD/f.folded")" "$total" "folded total"
assert_contains "$TMPD/f.svg" "<title>touch_anon_pages (tests/workloads/fault_touch.c:"

# 4. Kernel stacks: the kernel's mapping, named as pprof and perf name it, with the
# running kernel's build-id (from /sys/kernel/notes).
"$MEMMON" faults --kernel-stacks --pprof "$TMPD/k.pb.gz" --folded "$TMPD/k.folded" -- "$W" kread 100 \
	>"$TMPD/kreport" 2>"$TMPD/kerr" || { cat "$TMPD/kerr"; fail "faults --kernel-stacks --pprof"; }
kbid=$(python3 -c '
import struct
d = open("/sys/kernel/notes", "rb").read(); o = 0
while o + 12 <= len(d):
    n, s, t = struct.unpack_from("<III", d, o); name = d[o+12:o+12+n]; a = o + 12 + (n + 3) // 4 * 4
    if t == 3 and name[:3] == b"GNU": print(d[a:a+s].hex()); break
    o = a + (s + 3) // 4 * 4')
[ -n "$kbid" ] || fail "no build-id in /sys/kernel/notes"
go tool pprof -raw "$TMPD/k.pb.gz" >"$TMPD/kraw" 2>&1
assert_contains "$TMPD/kraw" "[kernel.kallsyms] $kbid [FN][FL][LN][IN]"
grep -qE "^fault_touch;.*;read_into_pages;(.*;)?[a-z_0-9]+_\[k\] 100\$" "$TMPD/k.folded" || { cat "$TMPD/k.folded"; fail "folded kernel frames"; }
go tool pprof -traces "$TMPD/k.pb.gz" >"$TMPD/ktraces" 2>&1
python3 "$(dirname "$0")/../lib_pprof_matches_report.py" faults "$TMPD/kreport" "$TMPD/ktraces" || fail "kernel stacks differ"

# 5. Profiles need the stack view.
"$MEMMON" faults --by file --pprof "$TMPD/x" -d 0.1 >/dev/null 2>"$TMPD/e"
assert_eq $? 2 "--pprof with --by file"
assert_contains "$TMPD/e" "--pprof, --folded and --flamegraph need the stack view"
echo PASS
