#!/usr/bin/env bash
# memmon sys: free(1) summary, vmstat rates that see our own page faults and an OOM kill
# we cause in a small memory cgroup, buddyinfo fragmentation arithmetic, largest slabs.
source "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for slabinfo and the memory cgroup"

# One screen, JSON: the free(1) arithmetic.
limit_before=$(awk '/^CommitLimit:/ {print $2}' /proc/meminfo)
$MEMMON sys --json --slabs 5 >"$TMPD/one" || fail "memmon sys --json"
limit_after=$(awk '/^CommitLimit:/ {print $2}' /proc/meminfo)
mem() { jq -r "select(.type == \"sys_memory\") | .$1" "$TMPD/one"; }
assert_eq "$(mem total_kb)" "$(free -k | awk '/^Mem:/ {print $2}')" "total = free(1) total"
assert_eq "$(mem used_kb)" "$(($(mem total_kb) - $(mem available_kb)))" "used = total - available"
assert_eq "$(mem buff_cache_kb)" "$(($(mem buffers_kb) + $(mem cached_kb) + $(mem sreclaimable_kb)))" "buff/cache"
assert_eq "$(mem swap_used_kb)" "$(($(mem swap_total_kb) - $(mem swap_free_kb)))" "swap used"
assert_eq "$(mem final)" true "the one screen is final"
assert_eq "$(jq -s '[.[] | select(.type == "sys_interval")] | length' "$TMPD/one")" 0 "no interval record without -i"
assert_eq "$(jq -rs '.[-1] | "\(.type) \(.samples)"' "$TMPD/one")" "sys_summary 1" "the summary comes last"

# Zones: the same zones as /proc/buddyinfo, free kB and the unusable index recomputed.
assert_eq "$(jq -r 'select(.type == "sys_zone") | "\(.node) \(.zone)"' "$TMPD/one")" \
	"$(awk '{sub(",", "", $2); print $2, $4}' /proc/buddyinfo)" "zones"
python3 - "$TMPD/one" "$(getconf PAGESIZE)" <<'PY' || fail "zone arithmetic"
import json, sys
page_kb = int(sys.argv[2]) // 1024
for z in (json.loads(l) for l in open(sys.argv[1])):
    if z["type"] != "sys_zone":
        continue
    free = sum(n << i for i, n in enumerate(z["free_blocks"]))
    usable = sum(n << i for i, n in enumerate(z["free_blocks"]) if i >= z["order"])
    want = (free - usable) / free if free else 0
    assert z["free_kb"] == free * page_kb, z
    assert abs(z["unusable_index"] - want) <= 5e-7, z  # JSON floats carry 6 decimals
    assert z["order"] == 9, z  # 2 MiB huge pages on x86-64
PY

# Slabs: the 5 largest, largest first, size = slabs x pages per slab.
assert_eq "$(jq -s '[.[] | select(.type == "sys_slab")] | length' "$TMPD/one")" 5 "slab rows"
python3 - "$TMPD/one" "$(getconf PAGESIZE)" <<'PY' || fail "slab arithmetic"
import json, sys
page_kb = int(sys.argv[2]) // 1024
slabs = [json.loads(l) for l in open(sys.argv[1])]
slabs = [s for s in slabs if s["type"] == "sys_slab"]
names = {l.split()[0] for l in open("/proc/slabinfo").read().splitlines()[2:]}
for s in slabs:
    assert s["size_kb"] == s["slabs"] * s["pages_per_slab"] * page_kb, s
    assert s["name"] in names, s
assert [s["size_kb"] for s in slabs] == sorted((s["size_kb"] for s in slabs), reverse=True)
PY

# Overcommit and the vm knobs: the kernel's own figures, read back unchanged.
oc() { jq -r "select(.type == \"sys_overcommit\") | .$1" "$TMPD/one"; }
vm() { jq -r "select(.type == \"sys_vm\") | .$1" "$TMPD/one"; }
assert_eq "$(oc available)" true "overcommit available"
assert_eq "$(oc mode)" "$(cat /proc/sys/vm/overcommit_memory)" "overcommit mode"
assert_eq "$(oc ratio)" "$(cat /proc/sys/vm/overcommit_ratio)" "overcommit ratio"
assert_eq "$(oc kbytes)" "$(cat /proc/sys/vm/overcommit_kbytes)" "overcommit kbytes"
# (it moves when swap is added or removed: another test's swap file may come and go meanwhile)
[ "$(oc commit_limit_kb)" = "$limit_before" ] || [ "$(oc commit_limit_kb)" = "$limit_after" ] ||
	fail "CommitLimit: expected $limit_before or $limit_after, got $(oc commit_limit_kb)"
assert_eq "$(oc headroom_kb)" "$(($(oc commit_limit_kb) - $(oc committed_as_kb)))" "headroom = CommitLimit - Committed_AS"
# Committed_AS moves with every process on the machine: the same within 256 MiB
committed=$(awk '/^Committed_AS:/ {print $2}' /proc/meminfo)
assert_le "$(( $(oc committed_as_kb) - committed ))" 262144 "Committed_AS"
assert_le "$(( committed - $(oc committed_as_kb) ))" 262144 "Committed_AS"
[ "$(oc mode)" = 0 ] && assert_eq "$(oc largest_allocation_kb)" "$(($(mem total_kb) + $(mem swap_total_kb)))" "mode 0: RAM + swap"
assert_eq "$(vm swappiness)" "$(cat /proc/sys/vm/swappiness)" "swappiness"
assert_eq "$(vm watermark_scale_factor)" "$(cat /proc/sys/vm/watermark_scale_factor)" "watermark_scale_factor"
assert_eq "$(vm min_free_kbytes)" "$(cat /proc/sys/vm/min_free_kbytes)" "min_free_kbytes"

# Swap areas: a 16 MiB swap file of priority 7 made here appears as /proc/swaps has it.
SWAPF=/var/tmp/memmon-sys-swap-$$
dd if=/dev/zero of="$SWAPF" bs=1M count=16 status=none && chmod 600 "$SWAPF" && mkswap -q "$SWAPF" >/dev/null ||
	fail "cannot make $SWAPF"
on_exit "swapoff $SWAPF 2>/dev/null; rm -f $SWAPF"
swapon -p 7 "$SWAPF" || fail "swapon $SWAPF"
$MEMMON sys --json --slabs 0 -i 0.1 -d 0.1 >"$TMPD/swap" || fail "memmon sys with a swap file"
swapoff "$SWAPF" || fail "swapoff $SWAPF"
assert_eq "$(jq -r "select(.type == \"sys_swap\" and .name == \"$SWAPF\") | \"\(.kind) \(.size_kb) \(.priority) \(.final)\"" "$TMPD/swap")" \
	"file $(( (16 << 10) - 4 )) 7 false" "the swap file: kind, size (less the header page), priority"
$MEMMON sys --json --slabs 0 >"$TMPD/noswap" || fail "memmon sys"
assert_eq "$(jq -s "[.[] | select(.type == \"sys_swap\" and .name == \"$SWAPF\")] | length" "$TMPD/noswap")" 0 "swap file gone after swapoff"

# Activity: our own faults and an OOM kill happen while sys samples every 0.5 s (-d 3, its
# screens counted), and while a second sys samples until the work is done (under emulation the
# work takes longer than 3 s): it is stopped once a screen after the work is printed.
CG=/sys/fs/cgroup/memory/memmon_proc_$$
$MEMMON sys -i 0.5 -d 3 --json --slabs 0 >"$TMPD/rates" &
SYS=$!
on_exit "kill $SYS 2>/dev/null"
$MEMMON sys -i 0.5 --json --slabs 0 >"$TMPD/work" &
WORK=$!
on_exit "kill $WORK 2>/dev/null"
screens() { grep -c '"type":"sys_activity"' "$TMPD/work"; }
for _ in $(seq 300); do [ "$(screens)" -ge 1 ] && break; sleep 0.1; done
pages=$("$WORKLOADS/proc_faulter" 64 2) || fail "faulter"
assert_eq "$pages" 32768 "pages faulted by the workload"
if [ -d /sys/fs/cgroup/memory ]; then
	mkdir "$CG" || fail "cannot create $CG"
	on_exit "rmdir $CG"
	echo $((16 << 20)) >"$CG/memory.limit_in_bytes" || fail "memory.limit_in_bytes"
	# 64 MiB in a 16 MiB cgroup without swap: the kernel OOM-kills it.
	bash -c "echo \$\$ >$CG/cgroup.procs && exec $WORKLOADS/proc_faulter 64 1" >/dev/null 2>&1
	assert_eq $? 137 "hog killed by SIGKILL"
	assert_ge "$(awk '/^oom_kill / {print $2}' "$CG/memory.oom_control")" 1 "cgroup OOM kill"
fi
done_at=$(screens)
for _ in $(seq 300); do [ "$(screens)" -gt "$done_at" ] && break; sleep 0.1; done
kill -INT $WORK; wait $WORK
wait $SYS || fail "memmon sys -i exited with $?"
assert_eq "$(jq -s '[.[] | select(.type == "sys_activity")] | length' "$TMPD/rates")" 6 "screens in 3 s at 0.5 s"
assert_eq "$(jq -rs '[.[] | select(.type == "sys_interval") | .interval] | join(",")' "$TMPD/rates")" "1,2,3,4,5,6" "an interval record closing each screen"
assert_eq "$(jq -rs '[.[] | select(.type == "sys_activity") | .final] | unique | join(",")' "$TMPD/rates")" "false" "interval rows are not final"
assert_eq "$(jq -rs '.[-1] | "\(.type) \(.samples) \(.reason)"' "$TMPD/rates")" "sys_summary 6 duration elapsed" "the summary comes last"
assert_ge "$(jq -s '[.[] | select(.type == "sys_activity") | .pgfault] | add' "$TMPD/work")" 32768 "faults seen"
if [ -d /sys/fs/cgroup/memory ]; then
	assert_ge "$(jq -s '[.[] | select(.type == "sys_activity") | .oom_kill] | add' "$TMPD/work")" 1 "OOM kills seen"
fi
# (both printed to 6 decimals: relative agreement)
jq -se 'map(select(.type == "sys_activity")) | all((.pgfault_per_s - .pgfault / .interval_s | fabs) <= 1e-5 * (.pgfault_per_s + 1))' "$TMPD/rates" >/dev/null ||
	fail "per-second rate = count / interval"

# Text screen.
$MEMMON sys --slabs 3 >"$TMPD/text" || fail "text"
for s in "Mem:" "Swap:" "activity over 1.0 s" "free blocks per order" "largest slab caches" "OOM kills" \
	"overcommit: mode" "next allocation:" "swap areas" "swappiness"; do
	assert_contains "$TMPD/text" "$s"
done
# Without root the slab section says why and the rest still prints.
if command -v setpriv >/dev/null; then
	setpriv --reuid 65534 --regid 65534 --clear-groups $MEMMON sys >"$TMPD/user" 2>"$TMPD/err"
	assert_eq $? 0 "sys as a user"
	assert_contains "$TMPD/err" "run as root"
	assert_contains "$TMPD/user" "free blocks per order"
fi
# Bad input.
$MEMMON sys --order 99 2>"$TMPD/err"; assert_eq $? 2 "bad order"
$MEMMON sys -p 1 2>"$TMPD/err"; assert_eq $? 2 "no -p"
$MEMMON sys -d 1 2>"$TMPD/err"; assert_eq $? 2 "-d without -i"
echo "sys OK"
