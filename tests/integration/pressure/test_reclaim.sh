#!/usr/bin/env bash
# memmon reclaim and drsnoop: a program reading a 64 MiB file twice inside a 16 MiB memory
# cgroup must reclaim the cgroup's page cache itself. Both commands trace that one pid at the
# same time and must agree on the number of memcg reclaim episodes.
source "$(dirname "$0")/../lib.sh"
require_bpf
CGROOT=/sys/fs/cgroup/memory
[ -d "$CGROOT" ] || skip "no cgroup v1 memory controller"

"$MEMMON" reclaim --by nothing >/dev/null 2>"$TMPD/err"; assert_eq $? 2 "exit code for a bad --by"
assert_contains "$TMPD/err" "--by takes system, cgroup or process"
"$MEMMON" drsnoop -i 1 >/dev/null 2>&1; assert_eq $? 2 "drsnoop exit code for -i"
"$MEMMON" drsnoop -p 2147483000 >/dev/null 2>"$TMPD/err"; assert_eq $? 1 "drsnoop exit code for a missing pid"

CG=$CGROOT/memmon-pressure-reclaim-$$
mkdir "$CG" || fail "cannot create $CG"
on_exit "for p in \$(cat $CG/cgroup.procs 2>/dev/null); do kill -9 \$p; done; sleep 0.2; rmdir $CG"
echo 16M >"$CG/memory.limit_in_bytes"
FILE=/var/tmp/memmon-pressure-reclaim.$$   # on disk: tmpfs pages would be shmem, not page cache
on_exit "rm -f $FILE"
GO=$TMPD/go

# 1. both commands on one pid, attached in a quiet moment (after the file is written)
sh -c "echo \$\$ > $CG/cgroup.procs && exec $WORKLOADS/pagecache_churn $FILE 64 2 $GO" >"$TMPD/wl.out" &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"
for _ in $(seq 300); do [ -e "$GO.ready" ] && break; sleep 0.1; done
[ -e "$GO.ready" ] || fail "workload did not get ready"
"$MEMMON" reclaim --by process --json -i 0.1 -p "$pid" >"$TMPD/r.json" 2>"$TMPD/r.err" &
rpid=$!
"$MEMMON" drsnoop --json -p "$pid" >"$TMPD/d.json" 2>"$TMPD/d.err" &
dpid=$!
on_exit "kill $rpid $dpid 2>/dev/null"
for _ in $(seq 200); do grep -q "tracing" "$TMPD/r.err" && grep -q "tracing" "$TMPD/d.err" && break; sleep 0.1; done
grep -q "tracing" "$TMPD/r.err" || { cat "$TMPD/r.err"; fail "reclaim did not start"; }
grep -q "tracing" "$TMPD/d.err" || { cat "$TMPD/d.err"; fail "drsnoop did not start"; }
touch "$GO"
wait $pid || fail "workload failed"
wait $rpid; assert_eq $? 0 "reclaim exit code"
wait $dpid; assert_eq $? 0 "drsnoop exit code"
assert_contains "$TMPD/wl.out" "read 134217728 bytes"

episodes=$(jq -s "[.[] | select(.type == \"drsnoop_episode\" and .pid == $pid)] | length" "$TMPD/d.json")
assert_ge "$episodes" 1 "drsnoop episodes of pid $pid"
assert_eq "$(jq -s '[.[] | select(.type == "drsnoop_episode")] | length' "$TMPD/d.json")" "$episodes" "episodes of other pids (filtered out)"
assert_eq "$(jq -s '[.[] | select(.type == "drsnoop_episode" and .kind != "memcg")] | length' "$TMPD/d.json")" 0 "non-memcg episodes"
assert_eq "$(jq -s '[.[] | select(.type == "drsnoop_episode" and .comm != "pagecache_churn")] | length' "$TMPD/d.json")" 0 "episodes of another comm"
assert_eq "$(jq -s '[.[] | select(.type == "drsnoop_episode" and .cgroup != "/memmon-pressure-reclaim-'$$'")] | length' "$TMPD/d.json")" 0 "episodes outside the test's cgroup"
assert_ge "$(jq -s '[.[] | select(.type == "drsnoop_episode" and (.gfp | contains("MOVABLE")))] | length' "$TMPD/d.json")" 1 "page-cache (movable) allocations"
# 128 MiB read through a 16 MiB cgroup: at least 112 MiB (28672 pages) had to be reclaimed
assert_ge "$(jq -s '[.[] | select(.type == "drsnoop_episode") | .pages_reclaimed] | add' "$TMPD/d.json")" 28672 "drsnoop pages reclaimed"
assert_eq "$(jq -r 'select(.type == "drsnoop_summary") | .lost_events' "$TMPD/d.json")" 0 "drsnoop lost events"

row() { jq -r "select(.type == \"reclaim_process\" and .final and .pid == $pid) | $1" "$TMPD/r.json"; }
assert_eq "$(row .comm)" "pagecache_churn" "reclaim row comm"
assert_eq "$(row .memcg_reclaims)" "$episodes" "reclaim's memcg reclaim count vs drsnoop's episodes"
assert_eq "$(row .direct_reclaims)" 0 "direct reclaims (no global shortage)"
assert_eq "$(row '.memcg_reclaim_ms > 0')" true "memcg reclaim time > 0"
assert_ge "$(row .pages_reclaimed)" 28672 "reclaim pages reclaimed"
assert_ge "$(row .pages_scanned)" "$(row .pages_reclaimed)" "scanned >= reclaimed"
assert_eq "$(jq -s '[.[] | select(.type == "reclaim_process" and .final and .pid != '$pid')] | length' "$TMPD/r.json")" 0 "rows of other pids"
# the 0.1 s interval records add up to the total
assert_eq "$(jq -s "[.[] | select(.type == \"reclaim_process\" and (.final | not) and .pid == $pid) | .memcg_reclaims] | add" "$TMPD/r.json")" "$episodes" "sum of per-interval memcg reclaims"
assert_eq "$(jq -s '[.[] | select(.type == "reclaim_interval") | .interval] | . == [range(1; length + 1)]' "$TMPD/r.json")" true "intervals numbered from 1"
assert_eq "$(tail -1 "$TMPD/r.json" | jq -r .type)" reclaim_summary "the reclaim summary ends the run"
assert_eq "$(tail -1 "$TMPD/d.json" | jq -r .type)" drsnoop_summary "the drsnoop summary ends the run"

# 2. --by cgroup names the cgroup; the text view has the vmscan columns
limited "$MEMMON" reclaim --by cgroup --json -- sh -c "echo \$\$ > $CG/cgroup.procs && exec $WORKLOADS/pagecache_churn $FILE 64 1 >/dev/null" >"$TMPD/c.json" 2>/dev/null
assert_eq $? 0 "reclaim --by cgroup exit code"
assert_ge "$(jq -r "select(.type == \"reclaim_cgroup\" and .final and .cgroup == \"/memmon-pressure-reclaim-$$\") | .memcg_reclaims" "$TMPD/c.json")" 1 "memcg reclaims of the cgroup"
limited "$MEMMON" reclaim -- sh -c "echo \$\$ > $CG/cgroup.procs && exec $WORKLOADS/pagecache_churn $FILE 64 1 >/dev/null" >"$TMPD/s.txt" 2>/dev/null
assert_contains "$TMPD/s.txt" "S-SLABms  D-RECLAIMms  M-RECLAIMms   KSWAPD  WRITEPAGE    SCANNED  RECLAIMED"
assert_contains "$TMPD/s.txt" "Total over"

# 3. drsnoop --stacks: the user stack reaches the workload's main, the kernel one memcg reclaim.
# The cgroup is emptied first: still full of the page cache of the runs above, it would
# reclaim already while sh execs the workload, or while ld.so loads it, before main (the
# kernel charges their pages to the cgroup too): right for drsnoop, not what this checks.
echo 0 >"$CG/memory.force_empty" || fail "memory.force_empty"
limited "$MEMMON" drsnoop --stacks --json --pprof "$TMPD/st.pb.gz" --folded "$TMPD/st.folded" -- sh -c "echo \$\$ > $CG/cgroup.procs && exec $WORKLOADS/pagecache_churn $FILE 64 1 >/dev/null" >"$TMPD/st.json" 2>/dev/null
assert_eq $? 0 "drsnoop --stacks exit code"
jq -r 'select(.type == "drsnoop_episode") | .user_stack[]? | "\(.symbol) \(.file):\(.line)"' "$TMPD/st.json" >"$TMPD/ustacks"
jq -r 'select(.type == "drsnoop_episode") | .kernel_stack[]? | .symbol' "$TMPD/st.json" >"$TMPD/kstacks"
# the exact lines of the workload's read() and write() calls, through libc's wrappers
src=$MEMMON_ROOT/tests/workloads/pagecache_churn.c
read_line=$(grep -n 'read(fd, buf, CHUNK)' "$src" | cut -d: -f1)
write_line=$(grep -n 'write(fd, buf, CHUNK)' "$src" | cut -d: -f1)
assert_contains "$TMPD/ustacks" "read_file tests/workloads/pagecache_churn.c:$read_line"
assert_contains "$TMPD/ustacks" "write_file tests/workloads/pagecache_churn.c:$write_line"
assert_contains "$TMPD/ustacks" "main tests/workloads/pagecache_churn.c:"
assert_contains "$TMPD/kstacks" "try_to_free_mem_cgroup_pages"
assert_contains "$TMPD/kstacks" "try_charge_memcg"
# its profiles: every episode, the task as root, the kernel stack above the user one; the
# folded values are the episodes' reclaim time (ns), pprof's episodes their number
n_ep=$(jq -s '[.[] | select(.type == "drsnoop_episode")] | length' "$TMPD/st.json")
assert_ge "$n_ep" 1 "drsnoop --stacks episodes"
grep -v '^pagecache_churn;_start;.*;main;.*;try_to_free_mem_cgroup_pages_\[k\]' "$TMPD/st.folded" >&2
assert_eq "$(grep -vc '^pagecache_churn;_start;.*;main;.*;try_to_free_mem_cgroup_pages_\[k\]' "$TMPD/st.folded")" 0 "folded lines not from main to memcg reclaim"
ns=$(jq -s '[.[] | select(.type == "drsnoop_episode") | .latency_ms * 1000000] | add | round' "$TMPD/st.json")
folded_ns=$(awk '{s += $NF} END {print s}' "$TMPD/st.folded")
[ $((folded_ns - ns)) -le "$n_ep" ] && [ $((ns - folded_ns)) -le "$n_ep" ] || fail "folded reclaim time $folded_ns ns, episodes' $ns ns"
command -v go >/dev/null || fail "go (golang-go) is needed for go tool pprof: scripts/setup.sh"
HOME=$TMPD GOCACHE=$TMPD/gocache go tool pprof -top -sample_index=episodes "$TMPD/st.pb.gz" >"$TMPD/st.top" 2>&1
assert_contains "$TMPD/st.top" "100% of $n_ep total"
echo ok
