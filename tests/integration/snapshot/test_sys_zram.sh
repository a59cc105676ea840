#!/usr/bin/env bash
# memmon sys, zram: zram0 set up here as a 128 MiB swap device, then a process holding
# 48 MiB of compressible anonymous memory in a 24 MiB memory cgroup, so at least 24 MiB of
# it is swapped out into zram: memmon's original and compressed sizes are mm_stat's, the
# ratio theirs, and the swap area shows its use. At exit, pass or fail, swap is switched
# off and the device reset to its unset state.
source "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to set up zram"
Z=/sys/block/zram0
V1=/sys/fs/cgroup/memory
[ -d "$Z" ] || skip "no zram0 device"
[ -d "$V1" ] || skip "no cgroup v1 memory controller"
[ "$(cat $Z/initstate)" = 0 ] || skip "zram0 is in use already"

on_exit "swapoff /dev/zram0 2>/dev/null; echo 1 >$Z/reset"
echo $((128 << 20)) >$Z/disksize || fail "disksize"
mkswap /dev/zram0 >/dev/null || fail "mkswap"
swapon -p 32000 /dev/zram0 || fail "swapon"

CG=$V1/memmon-zram-$$
mkdir "$CG" || fail "cannot create $CG"
on_exit "for p in \$(cat $CG/cgroup.procs 2>/dev/null); do kill -9 \$p; done; sleep 0.2; rmdir $CG"
echo $((24 << 20)) >"$CG/memory.limit_in_bytes" || fail "limit"
echo 100 >"$CG/memory.swappiness" || fail "swappiness"
bash -c "echo \$\$ >$CG/cgroup.procs && exec $WORKLOADS/mem_hold text 48" >"$TMPD/hold" &
HOLD=$!
on_exit "kill -9 $HOLD 2>/dev/null"
for _ in $(seq 200); do grep -q ready "$TMPD/hold" && break; sleep 0.1; done
assert_eq "$(cat "$TMPD/hold")" "ready $HOLD" "workload ready"

# The kernel may still move a page in or out of zram while memmon reads it: a run counts
# only when mm_stat reads the same before and after it, so it is compared with a still state.
sys_while_still() {
	local out=$1 before after
	shift
	for _ in $(seq 30); do
		before=$(cat $Z/mm_stat)
		"$MEMMON" sys "$@" --slabs 0 >"$out" || fail "memmon sys $*"
		after=$(cat $Z/mm_stat)
		[ "$before" = "$after" ] && { echo "$after" >"$out.mm_stat"; return 0; }
		sleep 0.2
	done
	fail "zram's mm_stat never held still across a memmon sys run"
}
sys_while_still "$TMPD/sys" --json
read -r orig compr used limit max same compacted huge _ <"$TMPD/sys.mm_stat"
z() { jq -r "select(.type == \"sys_zram\" and .device == \"zram0\") | .$1" "$TMPD/sys"; }
assert_eq "$(z initialized)" true "initialized"
assert_eq "$(z disksize_bytes)" $((128 << 20)) "disksize"
assert_eq "$(z algorithm)" "$(sed 's/.*\[\(.*\)\].*/\1/' $Z/comp_algorithm)" "algorithm"
assert_eq "$(z orig_data_size)" "$orig" "original size = mm_stat"
assert_eq "$(z compr_data_size)" "$compr" "compressed size = mm_stat"
assert_eq "$(z mem_used_total)" "$used" "memory used = mm_stat"
assert_eq "$(z same_pages)" "$same" "same pages = mm_stat"
assert_ge "$orig" $((24 << 20)) "at least 24 MiB swapped out into zram"
assert_le "$((compr * 4))" "$orig" "text compresses at least 4:1"
python3 -c "import sys; o, c, r = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]); assert abs(r - o / c) < 1e-5, (o, c, r)" \
	"$orig" "$compr" "$(z compression_ratio)" || fail "ratio = original / compressed"
sw() { jq -r "select(.type == \"sys_swap\" and .name == \"/dev/zram0\") | .$1" "$TMPD/sys"; }
assert_eq "$(sw kind)" partition "zram swap area"
assert_eq "$(sw priority)" 32000 "its priority"
assert_ge "$(sw used_kb)" $((24 << 10)) "swap used"
sys_while_still "$TMPD/text"
read -r orig compr _ <"$TMPD/text.mm_stat"
grep -E "^  zram0 +[a-z0-9-]+ +131072 +$((orig / 1024)) +$((compr / 1024)) " "$TMPD/text" >/dev/null ||
	{ cat "$TMPD/text"; fail "zram0 line"; }
echo "sys zram OK"
