#!/usr/bin/env bash
# memmon heap --sample-bytes: Poisson sampling by bytes, each sample weighted by
# size / (1 - exp(-size/rate)). heap_sizes allocates known amounts from four sites (1 GiB
# of 64-byte blocks, 512 MiB of 4 KiB, 256 MiB of 1 MiB, 8 MiB of 100 bytes); with a fixed
# seed, every site that allocated at least 64 MiB is estimated within 10%, and a fixed
# seed gives the same samples run after run.
source "$(dirname "$0")/../lib.sh"
W=$WORKLOADS/o2
run() { "$MEMMON" heap --json --top 0 --sample-bytes 512k --seed "$1" -- "$W/heap_sizes" >"$2" 2>"$TMPD/err" ||
	fail "heap exited $?: $(cat "$TMPD/err")"; }
run 1 "$TMPD/s1"
python3 - "$TMPD/s1" <<'PY' || fail "sampled estimates"
import json, sys
exact = {"small_blocks": 1 << 30, "page_blocks": 512 << 20, "big_blocks": 256 << 20, "few_blocks": 8 << 20}
count = {"small_blocks": (1 << 30) // 64, "page_blocks": (512 << 20) // 4096, "big_blocks": 256}
seen = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "heap_summary":
        if o["sample_bytes"] != 524288 or o["lost_events"] != 0:
            sys.exit("summary: %s" % o)
    if o["type"] != "heap_stack" or o["frames"][0].get("symbol") not in exact:
        continue
    fn = o["frames"][0]["symbol"]
    seen[fn] = o
for fn, total in exact.items():
    if total < 64 << 20:
        continue
    o = seen.get(fn) or sys.exit("no row for " + fn)
    ratio = o["allocated_bytes"] / total
    if not 0.9 <= ratio <= 1.1:
        sys.exit("%s: allocated_bytes %d is %.3f of %d" % (fn, o["allocated_bytes"], ratio, total))
    ratio = o["allocations"] / count[fn]
    if not 0.9 <= ratio <= 1.1:
        sys.exit("%s: allocations %d is %.3f of %d" % (fn, o["allocations"], ratio, count[fn]))
    if o["leaked_bytes"] != 0:
        sys.exit(fn + " leaked")
PY
# the same seed, the same samples
run 1 "$TMPD/s1b"
assert_eq "$(jq -c 'select(.type=="heap_stack") | [.allocations, .allocated_bytes]' "$TMPD/s1b")" \
	"$(jq -c 'select(.type=="heap_stack") | [.allocations, .allocated_bytes]' "$TMPD/s1")" "same seed, same estimates"
# another seed, other samples
run 2 "$TMPD/s2"
[ "$(jq -c 'select(.type=="heap_stack") | .allocated_bytes' "$TMPD/s2")" != "$(jq -c 'select(.type=="heap_stack") | .allocated_bytes' "$TMPD/s1")" ] ||
	fail "seeds 1 and 2 drew the same samples"
# --seed without --sample-bytes is a usage error
"$MEMMON" heap --seed 1 -- true >/dev/null 2>"$TMPD/err"
assert_eq "$?" 2 "--seed alone"
assert_contains "$TMPD/err" "--seed needs --sample-bytes"
echo ok
