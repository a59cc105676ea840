#!/usr/bin/env bash
# memmon pmap against procps pmap -X / -x on a process whose memory does not change.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/steady.sh"
start_steady

pmap -X "$PARENT" >"$TMPD/pmap_X" || fail "pmap -X failed"
pmap -x "$PARENT" >"$TMPD/pmap_x" || fail "pmap -x failed"
$MEMMON pmap -p "$PARENT" --json >"$TMPD/json" || fail "memmon pmap --json failed"
$MEMMON pmap -p "$PARENT" >"$TMPD/text" || fail "memmon pmap failed"

# Every mapping, column by column: pmap -X columns found by their header names.
python3 - "$TMPD/pmap_X" "$TMPD/pmap_x" "$TMPD/json" <<'PY' || fail "memmon pmap differs from pmap -X"
import json, os, sys, memmon_json
lines = open(sys.argv[1]).read().splitlines()
head = lines[1].split()
rows = [l for l in lines[2:] if l.strip() and not l.lstrip().startswith("=") and l.split()[0] != "KB" and not l.split()[-1] == "KB"]
want = {}
for l in rows:
    f = l.split(None, len(head) - 1)
    rec = dict(zip(head, f))
    want[rec["Address"]] = rec
dirty = {}
for l in open(sys.argv[2]).read().splitlines()[2:]:
    f = l.split()
    if len(f) >= 5 and all(c in "0123456789abcdef" for c in f[0]):
        dirty[f[0].lstrip("0") or "0"] = int(f[3])
recs = [memmon_json.loads(l) for l in open(sys.argv[3])]
maps = [r for r in recs if r["type"] == "pmap_mapping"]
total = [r for r in recs if r["type"] == "pmap_process"][0]
bad = []
if len(maps) < 10:
    bad.append(f"only {len(maps)} mappings")
if len(maps) != len(want):
    bad.append(f"{len(maps)} mappings, pmap -X has {len(want)}")
cols = [("Perm", "perms", str), ("Inode", "inode", int), ("Size", "size_kb", int), ("Rss", "rss_kb", int),
        ("Pss", "pss_kb", int), ("Swap", "swap_kb", int), ("SwapPss", "swap_pss_kb", int),
        ("Anonymous", "anonymous_kb", int), ("Locked", "locked_kb", int)]
for m in maps:
    m["address"] = format(m["address"], "x")  # as pmap prints it: hex without 0x
    w = want.get(m["address"])
    if not w:
        bad.append(f"{m['address']} not in pmap -X"); continue
    for pc, mc, conv in cols:
        if conv(w[pc]) != m[mc]:
            bad.append(f"{m['address']} {pc}: pmap {w[pc]} memmon {m[mc]}")
    if int(w["Offset"], 16) != m["offset"]:
        bad.append(f"{m['address']} offset")
    name = w.get("Mapping", "")
    if m["name"].startswith("/") and not name.startswith(os.path.basename(m["name"].split(" ")[0])):
        bad.append(f"{m['address']} name {m['name']} vs {name}")
    if dirty.get(m["address"]) != m["dirty_kb"]:
        bad.append(f"{m['address']} Dirty: pmap -x {dirty.get(m['address'])} memmon {m['dirty_kb']}")
for key in ("size_kb", "rss_kb", "pss_kb", "dirty_kb", "swap_kb", "anonymous_kb"):
    if sum(m[key] for m in maps) != total[key]:
        bad.append(f"total {key} is not the sum of the mappings")
tline = [l for l in lines if l.strip().endswith("KB")][-1].split()
if int(tline[head.index("Size") - 5]) != total["size_kb"] or int(tline[head.index("Rss") - 5]) != total["rss_kb"] \
        or int(tline[head.index("Pss") - 5]) != total["pss_kb"]:
    bad.append(f"totals: pmap -X {tline} memmon {total}")
if total["mappings"] != len(maps):
    bad.append("total mappings")
print("\n".join(bad)); sys.exit(1 if bad else 0)
PY

# The workload's known blocks, exactly.
got=$(jq -r --arg a "$PRIVATE_ADDR" 'select(.type == "pmap_mapping" and .address == "0x" + $a) | "\(.size_kb) \(.rss_kb) \(.pss_kb) \(.dirty_kb) \(.uss_kb) \(.anonymous_kb)"' "$TMPD/json")
assert_eq "$got" "4096 4096 4096 4096 4096 4096" "private 4 MiB block: size rss pss dirty uss anon"
got=$(jq -r --arg a "$SHARED_ADDR" 'select(.type == "pmap_mapping" and .address == "0x" + $a) | "\(.size_kb) \(.rss_kb) \(.pss_kb) \(.dirty_kb) \(.uss_kb) \(.perms) \(.name)"' "$TMPD/json")
assert_eq "$got" "2048 2048 1024 2048 0 rw-s /dev/zero (deleted)" "shared 2 MiB block: half its pages in PSS"
assert_contains "$TMPD/text" "$PRIVATE_ADDR rw-p"
assert_contains "$TMPD/text" "$TMPD/$STEADY_NAME"
assert_eq "$(grep -c ' total ' "$TMPD/text")" 1 "one totals line"

# Two processes; one vanished pid among them is reported, the other still listed.
$MEMMON pmap -p "$PARENT" -p "$CHILD" --json >"$TMPD/two" || fail "two pids"
assert_eq "$(jq -s '[.[] | select(.type == "pmap_process") | .pid] | join(",")' "$TMPD/two")" "\"$PARENT,$CHILD\"" "two totals"
assert_eq "$(jq -rs '.[-1] | "\(.type) \(.processes) \(.skipped | length)"' "$TMPD/two")" "pmap_summary 2 0" "the summary comes last"
assert_eq "$(jq -rs '[.[] | select(.type == "pmap_mapping")] | length' "$TMPD/two")" \
	"$(jq -rs '.[-1].mappings' "$TMPD/two")" "summary mappings = mapping records"

# Bad input.
$MEMMON pmap 2>"$TMPD/err"; assert_eq $? 2 "no -p"
assert_contains "$TMPD/err" "which process? give PID or -p PID"
$MEMMON pmap -p 4194304 2>"$TMPD/err"; assert_eq $? 1 "missing pid"
assert_contains "$TMPD/err" "pid 4194304 does not exist"
KTHREAD=$(awk '/^Name:\tkthreadd$/ {print FILENAME}' /proc/[0-9]*/status 2>/dev/null | head -1 | cut -d/ -f3)
if [ -n "$KTHREAD" ]; then # not visible inside a pid namespace
	$MEMMON pmap -p "$KTHREAD" 2>"$TMPD/err"; assert_eq $? 1 "kernel thread"
	assert_contains "$TMPD/err" "no user memory"
	# With --json the process that could not be read is in the summary; the other is listed.
	$MEMMON pmap -p "$PARENT" -p "$KTHREAD" --json >"$TMPD/kt.json" 2>"$TMPD/err"; assert_eq $? 1 "kernel thread among pids"
	assert_eq "$(jq -r 'select(.type == "pmap_process") | .pid' "$TMPD/kt.json")" "$PARENT" "the readable process listed"
	assert_eq "$(jq -rs '.[-1] | "\(.type) \(.processes) \(.skipped[0].pid) \(.skipped[0].reason)"' "$TMPD/kt.json")" \
		"pmap_summary 1 $KTHREAD has no user memory (kernel thread or zombie)" "skipped kernel thread in the summary"
fi
$MEMMON pmap -p "$PARENT" --bogus 2>"$TMPD/err"; assert_eq $? 2 "unknown option"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid 65534 --regid 65534 --clear-groups $MEMMON pmap -p "$PARENT" >"$TMPD/out" 2>"$TMPD/err"
	assert_eq $? 1 "another user's process"
	assert_contains "$TMPD/err" "is not readable"
fi
echo "pmap OK"
