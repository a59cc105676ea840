#!/usr/bin/env bash
# Reports do not lose mapping events: two threads mapping and unmapping a page 150000
# times each (about 100000 calls a second) lost thousands of events at the first report with the
# old 256 KiB ring (symbols load while it fills). With reports every 0.5 s nothing is lost
# and the result equals the run with only a final report; --buffer-size sets the ring.
source "$(dirname "$0")/../lib.sh"
require_bpf
W="$WORKLOADS/mmap_threads"
summary() { jq -r 'select(.type=="leak_summary") | [.lost_events, .count, .bytes] | @tsv' "$1"; }
"$MEMMON" leak --json -i 0 -- "$W" 150000 7 >"$TMPD/final.json" 2>/dev/null || fail "leak -i 0"
"$MEMMON" leak --json -i 0.5 -- "$W" 150000 7 >"$TMPD/often.json" 2>/dev/null || fail "leak -i 0.5"
read -r lost0 count0 bytes0 <<<"$(summary "$TMPD/final.json")"
read -r lost count bytes <<<"$(summary "$TMPD/often.json")"
assert_eq "$lost0" 0 "events lost with only the final report"
assert_ge "$(jq -s '[.[] | select(.type=="leak_interval")] | length' "$TMPD/often.json")" 3 "reports during the run"
assert_eq "$lost" 0 "events lost with a report every 0.5 s"
assert_eq "$count $bytes" "$count0 $bytes0" "outstanding allocations, reports or not"
# the 7 pages main keeps are there, mapped by main
assert_ge "$count" 7 "outstanding allocations"
# a small ring, set on the command line, loses events and says how many
"$MEMMON" leak --json -i 0 --buffer-size 4k -- "$W" 20000 7 >"$TMPD/small.json" 2>/dev/null || fail "leak --buffer-size 4k"
read -r lost_small _ <<<"$(summary "$TMPD/small.json")"
assert_ge "$lost_small" 1 "events lost with a 4 KiB ring"
"$MEMMON" leak --buffer-size 3000 -- true >/dev/null 2>"$TMPD/e"; assert_eq $? 2 "--buffer-size 3000"
assert_contains "$TMPD/e" "invalid --buffer-size '3000' (a power of two, at least a page, at most 4G)"
echo "ok: leak ring"
