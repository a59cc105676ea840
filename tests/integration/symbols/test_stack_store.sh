#!/usr/bin/env bash
# The stack store: 4096 distinct user stacks (tests/workloads/many_stacks.c), each captured
# exactly once with its exact count, by memmon leak and memmon faults. A STACK_TRACE map of
# 65536 (leak) or 16384 (faults) buckets lost ~128 or ~512 of them to bucket collisions.
source "$(dirname "$0")/../lib.sh"
require_bpf
DEPTH=12
SRC=$MEMMON_ROOT/tests/workloads/many_stacks.c
line_of() { grep -n "/\* $1 \*/" "$SRC" | cut -d: -f1; }

# Checks the rows of file $1 (JSON Lines): type $2, frames in field $3, the count in $4;
# $5: the innermost frame's line; $6: "size" if bytes/count must be 16 + path.
check_rows() {
	json_query '
import json, sys
path, rtype, ffield, cfield, leaf_line, size = sys.argv[1:7]
depth, one, zero = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
recs = [json.loads(l) for l in open(path) if l.startswith("{")]
rows = [r for r in recs if r["type"] == rtype and r.get("final", True) and r[ffield]
        and r[ffield][0]["symbol"] == "leaf" and r[ffield][0]["line"] == int(leaf_line)]
seen = {}
for r in rows:
    walks = [f for f in r[ffield] if f["symbol"] == "walk"]
    assert walks, "a row of %d without its stack (capture failed)" % r[cfield]
    # innermost walk() frame is the call of leaf(); the others are call sites, main first
    lines = [f["line"] for f in reversed(walks[1:])]
    assert len(lines) == depth and set(lines) <= {one, zero}, [f["line"] for f in walks]
    p = sum(1 << i for i, l in enumerate(lines) if l == one)
    assert p not in seen, "path %d in two rows" % p
    seen[p] = r[cfield]
    assert r[cfield] == 1 + p % 3, "path %d: count %d, expected %d" % (p, r[cfield], 1 + p % 3)
    if size == "size":
        assert r["bytes"] == r[cfield] * (16 + p), "path %d: %d bytes" % (p, r["bytes"])
missing = sorted(set(range(1 << depth)) - set(seen))
assert not missing, "%d of %d paths missing, e.g. %s" % (len(missing), 1 << depth, missing[:5])
print(len(seen))' "$@" "$DEPTH" "$(line_of MANY_LINE_ONE)" "$(line_of MANY_LINE_ZERO)"
}
# Field $3 of the last record of type $2 in file $1.
last_field() {
	json_query '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print([r for r in recs if r["type"] == sys.argv[2]][-1][sys.argv[3]])' "$@"
}

# 1. leak: every path's blocks on its own stack.
"$MEMMON" leak --json -i 0 --top 100000 -- "$WORKLOADS/many_stacks" leak $DEPTH \
	>"$TMPD/leak.json" 2>"$TMPD/leak.err" || fail "leak run: $(cat "$TMPD/leak.err")"
assert_eq "$(last_field "$TMPD/leak.json" leak_summary stack_failures)" 0 "leak stack_failures"
n=$(check_rows "$TMPD/leak.json" leak_stack frames count "$(line_of MANY_LINE_MALLOC)" size) ||
	fail "leak stacks"
assert_eq "$n" $((1 << DEPTH)) "leak stacks"

# 2. faults: every path's page faults on its own stack.
"$MEMMON" faults --json -- "$WORKLOADS/many_stacks" faults $DEPTH \
	>"$TMPD/faults.json" 2>"$TMPD/faults.err" || fail "faults run: $(cat "$TMPD/faults.err")"
assert_eq "$(last_field "$TMPD/faults.json" faults_summary stack_failures)" 0 "faults stack_failures"
n=$(check_rows "$TMPD/faults.json" faults_stack user_stack minor "$(line_of MANY_LINE_TOUCH)" -) ||
	fail "fault stacks"
assert_eq "$n" $((1 << DEPTH)) "fault stacks"
echo "ok: $n distinct stacks, each once with its exact count, in leak and faults"
