#!/usr/bin/env bash
# memmon sys, KSM: a process with two identical MADV_MERGEABLE regions of 8 MiB (2048 pages
# each, different from page to page) once ksmd has merged them: the process has 4096 merged
# pages, the system shares at least 2048 pages saving at least 8 MiB (other processes, a
# qemu's guest memory, may be mergeable too); memmon's figures are the kernel's.
# ksmd is switched on here; at exit, pass or fail, what it merged is unmerged (when it was
# off) and its settings are restored.
source "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to run ksmd"
KSM=/sys/kernel/mm/ksm
[ -w "$KSM/run" ] || skip "no KSM in this kernel"
for knob in run pages_to_scan sleep_millisecs; do
	on_exit "echo $(cat $KSM/$knob) >$KSM/$knob"
done
# run=2 unmerges every KSM page: back to none merged, as before the test when ksmd was off
[ "$(cat $KSM/run)" = 0 ] && on_exit "echo 2 >$KSM/run"
"$WORKLOADS/mem_hold" ksm 8 >"$TMPD/hold" &
HOLD=$!
on_exit "kill -9 $HOLD 2>/dev/null; wait $HOLD 2>/dev/null"
for _ in $(seq 100); do grep -q ready "$TMPD/hold" && break; sleep 0.1; done
assert_eq "$(cat "$TMPD/hold")" "ready $HOLD" "workload ready"
echo 10000 >$KSM/pages_to_scan
echo 10 >$KSM/sleep_millisecs
echo 1 >$KSM/run
for _ in $(seq 300); do
	[ "$(awk '/^ksm_merging_pages/ {print $2}' /proc/$HOLD/ksm_stat)" = 4096 ] && break
	sleep 0.1
done
assert_eq "$(awk '/^ksm_merging_pages/ {print $2}' /proc/$HOLD/ksm_stat)" 4096 "ksmd merged both regions"
# stop scanning so the figures hold still while compared (stopping keeps merged pages)
echo 0 >$KSM/run

"$MEMMON" sys --json --slabs 0 >"$TMPD/sys" || fail "memmon sys"
k() { jq -r "select(.type == \"sys_ksm\") | .$1" "$TMPD/sys"; }
assert_eq "$(k available)" true "KSM available"
assert_eq "$(k state)" stopped "state"
for f in pages_shared pages_sharing pages_unshared pages_volatile full_scans ksm_zero_pages general_profit; do
	assert_eq "$(k $f)" "$(cat $KSM/$f)" "$f = $KSM/$f"
done
assert_ge "$(k pages_shared)" 2048 "one KSM page per distinct content of ours"
assert_ge "$(k pages_sharing)" 2048 "one more mapping of each"
assert_eq "$(k saved_kb)" "$(( $(k pages_sharing) * $(getconf PAGESIZE) / 1024 ))" "saved = pages_sharing pages"
p() { jq -r "select(.type == \"sys_ksm_process\" and .pid == $HOLD) | .$1" "$TMPD/sys"; }
assert_eq "$(p comm)" mem_hold "process"
assert_eq "$(p merging_pages)" 4096 "merged pages of the process"
assert_eq "$(p merging_kb)" 16384 "merged kB"
assert_eq "$(p profit)" "$(awk '/^ksm_process_profit/ {print $2}' /proc/$HOLD/ksm_stat)" "profit = ksm_stat"
assert_eq "$(p rmap_items)" "$(awk '/^ksm_rmap_items/ {print $2}' /proc/$HOLD/ksm_stat)" "rmap items = ksm_stat"
"$MEMMON" sys --slabs 0 >"$TMPD/text" || fail "text"
assert_contains "$TMPD/text" "pages shared $(k pages_shared), sharing $(k pages_sharing) (saving $(k saved_kb) kB)"
grep -E "^ *$HOLD mem_hold +4096 +16384 " "$TMPD/text" >/dev/null || { cat "$TMPD/text"; fail "process line"; }
echo "sys ksm OK"
