#!/usr/bin/env bash
# memmon faults --hugetlb: only faults on hugetlb mappings, per process and file, each
# bringing in a whole huge page. Reserves huge pages and mounts a private hugetlbfs, and
# restores both, pass or fail.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS/fault_touch
N=3
HP=/proc/sys/vm/nr_hugepages
[ -w $HP ] || skip "no hugetlb support"
orig=$(cat $HP)
on_exit "echo $orig > $HP"
echo $((orig + 2 * N)) > $HP
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
[ "$free" -ge $((2 * N)) ] || fail "could not reserve $((2 * N)) huge pages (free: $free)"
size_kb=$(awk '/Hugepagesize/ {print $2}' /proc/meminfo)
[ "$size_kb" = 2048 ] || skip "default huge page size is ${size_kb} kB, the workload uses 2 MiB"

# Anonymous MAP_HUGETLB: N faults of 2 MiB, under the pseudo file the kernel names it by.
"$MEMMON" faults --hugetlb --json -- "$W" hugetlb $N >"$TMPD/anon.json" 2>"$TMPD/err" || fail "run: $(cat "$TMPD/err")"
assert_contains "$TMPD/err" "hugetlb pages $N minflt $N"
json_query '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
r = [r for r in rows if r["type"] == "faults_process_file"]
n = int(sys.argv[2])
assert len(r) == 1, r   # nothing but the hugetlb mapping is counted
r = r[0]
assert r["file"] == "/anon_hugepage" and r["hugetlb"] and r["comm"] == "fault_touch", r
assert r["minor"] == n and r["major"] == 0 and r["bytes"] == n * 2 * 1024 * 1024, r
' "$TMPD/anon.json" $N || fail "anonymous hugetlb row"

# A file on a hugetlbfs mount: its path, and the function that touched it.
mkdir "$TMPD/huge"
mount -t hugetlbfs -o pagesize=2M "memmon-faults-$$" "$TMPD/huge" || fail "mount hugetlbfs"
on_exit "umount '$TMPD/huge'"
HF="$TMPD/huge/faults-$$"
"$MEMMON" faults --hugetlb -- "$W" hugetlb $N "$HF" >"$TMPD/file.txt" 2>&1 || fail "file run"
grep -qE "^ +$N +0 +6\.0 MiB +[0-9]+ +fault_touch +$HF \(hugetlb\)\$" "$TMPD/file.txt" || { cat "$TMPD/file.txt"; fail "hugetlbfs file row"; }
rm -f "$HF"
"$MEMMON" faults --hugetlb --by stack --json -- "$W" hugetlb $N "$HF" >"$TMPD/stack.json" 2>/dev/null || fail "stack run"
line=$(grep -n FAULT_LINE_HUGETLB "$MEMMON_ROOT/tests/workloads/fault_touch.c" | cut -d: -f1)
json_query '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{") and "faults_stack" in l]
assert len(rows) == 1, rows
f = rows[0]["user_stack"][0]
assert f["symbol"] == "touch_huge_pages" and f["line"] == int(sys.argv[2]), f
assert rows[0]["minor"] == int(sys.argv[3]), rows[0]
' "$TMPD/stack.json" "$line" $N || fail "hugetlb stack row"
rm -f "$HF"
echo ok
