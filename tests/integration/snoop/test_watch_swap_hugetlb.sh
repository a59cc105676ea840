#!/usr/bin/env bash
# Fault classes that need system setup, each undone afterwards even on failure:
# SWAP - a private swapfile; 64 written pages pushed out with MADV_PAGEOUT and read back:
#        one SWAP R fault per page the kernel swapped, at each page's address. Then 24 MiB
#        written in an 8 MiB memory cgroup (reclaim pushes pages to swap) and read back:
#        the writes are ANON W first touches, the reads fault only as SWAP R, at least
#        once per page pagemap showed in swap.
# HUGETLB - 2 more hugetlb pages reserved: 2 HUGETLB W faults at the written addresses.
source "$(dirname "$0")/../lib.sh"
require_bpf
MAP=/sys/fs/bpf/memmon-test-watchswap-$$/watch_pids
on_exit "rm -rf /sys/fs/bpf/memmon-test-watchswap-$$"

# --- swap-in
SWAP=/var/tmp/memmon-watch-swap-$$
on_exit "rm -f $SWAP"
dd if=/dev/zero of="$SWAP" bs=1M count=32 status=none || fail "cannot create $SWAP"
chmod 600 "$SWAP"
mkswap "$SWAP" >/dev/null || fail "mkswap"
swapon "$SWAP" || fail "swapon $SWAP (the kernel refuses swap here)"
on_exit "swapoff $SWAP"
"$MEMMON" watch --json --no-symbols --map "$MAP" -- "$WORKLOADS/mm_swapin" swap \
	>"$TMPD/swap.json" 2>"$TMPD/swap.err" || fail "watch swap: $(cat "$TMPD/swap.err")"
read -r _ base _ swapped < <(grep '^base' "$TMPD/swap.err")
assert_eq "$swapped" 64 "pages the kernel swapped out (pagemap)"
json_query '
import json, sys, memmon_json
base = int(sys.argv[2], 16)
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
i = next(k for k, r in enumerate(recs) if r["type"] == "watch_syscall" and r["call"] == "madvise")
if recs[i]["args"]["advice"] != "MADV_PAGEOUT" or recs[i]["ret"] != 0: sys.exit("FAIL: madvise %r" % recs[i])
after = [r for r in recs[i:] if r["type"] == "watch_fault" and base <= r["addr"] < base + 64 * 4096]
want = [("SWAP", "R", "user", "swap", base + p * 4096 + 8) for p in range(64)]
got = [(r["class"], r["access"], r["mode"], r["pte"], r["addr"]) for r in after]
if got != want: sys.exit("FAIL: swap-in faults\n got  %r\n want %r" % (got[:5], want[:5]))
before = [r for r in recs[:i] if r["type"] == "watch_fault" and base <= r["addr"] < base + 64 * 4096]
if [r["class"] for r in before] != ["ANON"] * 64: sys.exit("FAIL: first-touch faults %r" % [r["class"] for r in before])
' "$TMPD/swap.json" "$base" || fail "swap-in log"

# --- swap-in under a memory cgroup limit
CG=/sys/fs/cgroup/memory/memmon-watch-swap-$$
mkdir "$CG" || fail "cannot create the memory cgroup $CG"
on_exit "rmdir $CG"
echo 8M >"$CG/memory.limit_in_bytes" || fail "cannot limit $CG"
"$MEMMON" watch --json --no-symbols --map "$MAP" -- \
	sh -c "echo \$\$ > $CG/cgroup.procs && exec $WORKLOADS/mm_swapin pressure 24" \
	>"$TMPD/cg.json" 2>"$TMPD/cg.err" || fail "watch pressure: $(cat "$TMPD/cg.err")"
read -r _ base _ pages _ swapped < <(grep '^base' "$TMPD/cg.err")
assert_eq "$pages" 6144 "pages written"
assert_ge "$swapped" 1024 "pages in swap after writing 24 MiB under an 8 MiB limit"
json_query '
import json, sys, memmon_json
base, n, swapped = int(sys.argv[2], 16), int(sys.argv[3]), int(sys.argv[4])
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
f = [r for r in recs if r["type"] == "watch_fault" and base <= r["addr"] < base + n * 4096]
first = [(r["class"], r["access"], (r["addr"] - base) // 4096) for r in f[:n]]
if first != [("ANON", "W", i) for i in range(n)]: sys.exit("FAIL: write phase %r" % [x for x, y in zip(first, [("ANON", "W", i) for i in range(n)]) if x != y][:3])
reads = {(r["class"], r["access"], r["pte"]) for r in f[n:]}
if reads != {("SWAP", "R", "swap")}: sys.exit("FAIL: read-back faults %r" % reads)
if not (swapped <= len(f) - n <= n): sys.exit("FAIL: %d swap-ins for %d pages in swap" % (len(f) - n, swapped))
' "$TMPD/cg.json" "$base" "$pages" "$swapped" || fail "swap-in under a cgroup"

# --- hugetlb: reserve 2 more pages (relative, so concurrent users keep theirs)
NR=/proc/sys/vm/nr_hugepages
old=$(cat $NR)
echo $((old + 2)) >$NR
on_exit "echo \$((\$(cat $NR) - 2)) > $NR"
[ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -ge 2 ] || fail "could not reserve 2 hugetlb pages"
"$MEMMON" watch --json --no-symbols --map "$MAP" -- "$WORKLOADS/mm_swapin" huge \
	>"$TMPD/huge.json" 2>"$TMPD/huge.err" || fail "watch huge: $(cat "$TMPD/huge.err")"
base=$(awk '/^base/ {print $2}' "$TMPD/huge.err")
json_query '
import json, sys, memmon_json
base = int(sys.argv[2], 16)
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
m = [r for r in recs if r["type"] == "watch_syscall" and r["call"] == "mmap" and r["ret"] == base]
if len(m) != 1 or m[0]["args"]["flags"] != "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB" or m[0]["args"]["length"] != 4 << 20:
    sys.exit("FAIL: hugetlb mmap %r" % m)
f = [(r["class"], r["access"], r["addr"]) for r in recs if r["type"] == "watch_fault" and base <= r["addr"] < base + (4 << 20)]
want = [("HUGETLB", "W", base + 100), ("HUGETLB", "W", base + (2 << 20) + 200)]
if f != want: sys.exit("FAIL: hugetlb faults %r" % f)
' "$TMPD/huge.json" "$base" || fail "hugetlb log"
echo ok
