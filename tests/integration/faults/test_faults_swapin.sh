#!/usr/bin/env bash
# memmon faults --swapin: a program writes N pages in a memory cgroup too small for them,
# so most go to swap, then reads them back. Every page read back from swap is one major
# fault at read_back_pages, and memmon must count exactly as many as the program's own
# getrusage() majflt. Sets up a swapfile, swap readahead off (page-cluster 0) and a cgroup
# v1 memory limit, and undoes all of it, pass or fail.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS/fault_touch
N=4096 # 16 MiB in an 8 MiB cgroup
CGROOT=/sys/fs/cgroup/memory
[ -w $CGROOT/cgroup.procs ] || skip "no cgroup v1 memory controller at $CGROOT"
SW=/var/tmp/memmon-faults-swap.$$
CG=$CGROOT/memmon-faults-$$

on_exit "rm -f $SW"
dd if=/dev/zero of=$SW bs=1M count=48 status=none || fail "cannot create $SW"
chmod 600 $SW
mkswap $SW >/dev/null || fail "mkswap $SW"
swapon $SW || fail "swapon $SW"
on_exit "swapoff $SW"
pc=$(cat /proc/sys/vm/page-cluster)
on_exit "echo $pc > /proc/sys/vm/page-cluster"
echo 0 > /proc/sys/vm/page-cluster # one page per swap-in: no readahead into the swap cache
mkdir $CG || fail "mkdir $CG"
on_exit "rmdir $CG"
on_exit "for p in \$(cat $CG/cgroup.procs); do kill -9 \$p; done; sleep 0.2"
echo 8M > $CG/memory.limit_in_bytes
echo 100 > $CG/memory.swappiness

# The shell joins the cgroup and execs the workload: the same process, traced from its exec.
timeout 60 "$MEMMON" faults --swapin --json -- sh -c "echo \$\$ > $CG/cgroup.procs && exec $W swap $N" \
	>"$TMPD/swap.json" 2>"$TMPD/err" || fail "run: $(cat "$TMPD/err")"
majflt=$(sed -n "s/^swap pages $N minflt [0-9]* majflt \([0-9]*\) .*/\1/p" "$TMPD/err")
[ -n "$majflt" ] || { cat "$TMPD/err"; fail "workload output"; }
# Most of the 16 MiB did not fit in 8 MiB, so most pages come back from swap.
assert_ge "$majflt" $((N / 2)) "swap-ins the workload measured"
line=$(grep -n FAULT_LINE_SWAPIN "$MEMMON_ROOT/tests/workloads/fault_touch.c" | cut -d: -f1)
json_query '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
st = [r for r in rows if r["type"] == "faults_stack"]
assert all(r["minor"] == 0 for r in st), "a minor fault counted as swap-in"
hit = [r for r in st if r["user_stack"] and r["user_stack"][0]["symbol"] == "read_back_pages"
       and r["user_stack"][0]["line"] == int(sys.argv[2])]
# The frame-pointer walk cannot read stack pages that are themselves swapped out, so a few
# faults may land in a row whose stack stops after the first frame: count them all.
assert hit, st
assert sum(r["major"] for r in hit) == int(sys.argv[3]), ([r["major"] for r in hit], sys.argv[3])
assert all(r["bytes"] == 4096 * r["major"] for r in hit), hit
r = max(hit, key=lambda r: r["major"])
assert r["major"] >= int(sys.argv[3]) * 9 // 10, r["major"]
assert r["user_stack"][1]["symbol"] == "main", r["user_stack"][1]
' "$TMPD/swap.json" "$line" "$majflt" || fail "swap-in row at read_back_pages:$line"
echo ok
