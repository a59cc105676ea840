#!/usr/bin/env bash
# memmon oom --rank: three processes holding 32 MiB each in a 128 MiB memory cgroup, with
# oom_score_adj 0, 300 and 600: the 600 one ranks first in the cgroup and system-wide, the
# score's parts add up to the kernel's oom_score; then a hog drives the cgroup into OOM and
# the kernel kills exactly that process (seen by memmon oom). `memmon ps -s oom` agrees.
source "$(dirname "$0")/../lib.sh"
require_bpf
V1=/sys/fs/cgroup/memory
[ -d "$V1" ] || skip "no cgroup v1 memory controller"

"$MEMMON" oom --rank -p 1 >/dev/null 2>"$TMPD/err"; assert_eq $? 2 "--rank with -p"
"$MEMMON" oom --rank -- true >/dev/null 2>"$TMPD/err"; assert_eq $? 2 "--rank with a program"
"$MEMMON" oom --top 3 >/dev/null 2>"$TMPD/err"; assert_eq $? 2 "--top without --rank"

NAME=memmon-oom-rank-$$
CG=$V1/$NAME
mkdir "$CG" || fail "cannot create $CG"
on_exit "for p in \$(cat $CG/cgroup.procs 2>/dev/null); do kill -9 \$p; done; sleep 0.2; rmdir $CG"
echo $((128 << 20)) >"$CG/memory.limit_in_bytes" || fail "limit"
echo 0 >"$CG/memory.swappiness" 2>/dev/null || true # the hog must not get room in swap
declare -A PID
for adj in 0 300 600; do
	bash -c "echo $adj >/proc/self/oom_score_adj && echo \$\$ >$CG/cgroup.procs && exec $WORKLOADS/mem_hold anon 32" >"$TMPD/hold$adj" &
	PID[$adj]=$!
	on_exit "kill -9 ${PID[$adj]} 2>/dev/null"
done
for adj in 0 300 600; do
	for _ in $(seq 100); do grep -q ready "$TMPD/hold$adj" && break; sleep 0.1; done
	assert_eq "$(cat "$TMPD/hold$adj")" "ready ${PID[$adj]}" "holder $adj ready"
done

"$MEMMON" oom --rank --json --top 0 >"$TMPD/rank" || fail "memmon oom --rank"
in_cg() { jq -r "select(.type == \"oom_rank\" and .scope == \"cgroup\" and .scope_cgroup == \"/$NAME\") | $1" "$TMPD/rank"; }
assert_eq "$(in_cg .pid | tr '\n' ' ')" "${PID[600]} ${PID[300]} ${PID[0]} " "cgroup order: adj 600, 300, 0"
assert_eq "$(in_cg '"\(.rank) \(.oom_score_adj)"' | tr '\n' ' ')" "1 600 2 300 3 0 " "ranks"
assert_eq "$(in_cg .scope_total_kb | sort -u)" 131072 "the cgroup's total: its limit (no swap)"
# the adjustment in a cgroup OOM is adj x (limit in pages / 1000) pages
assert_eq "$(in_cg 'select(.pid == '"${PID[600]}"') | .adj_kb')" $((600 * (32768 / 1000) * 4)) "adj 600 in kB"
assert_eq "$(in_cg 'select(.pid == '"${PID[600]}"') | .cgroup')" "/$NAME" "its cgroup"
# each holder: RSS 32 MiB and its few own pages
for adj in 0 300 600; do
	rss=$(in_cg "select(.pid == ${PID[$adj]}) | .rss_kb")
	assert_ge "$rss" 32768 "RSS of holder $adj"
	assert_le "$rss" $((32768 + 2048)) "RSS of holder $adj"
done
# system-wide: the kernel's own oom_score orders them, and memmon's parts recompute it
sys() { jq -r "select(.type == \"oom_rank\" and .scope == \"system\" and .pid == $1) | $2" "$TMPD/rank"; }
assert_eq "$(sys "${PID[600]}" .oom_score)" "$(cat /proc/${PID[600]}/oom_score)" "oom_score = /proc"
for adj in 0 300 600; do
	assert_eq "$(sys "${PID[$adj]}" .score)" "$(sys "${PID[$adj]}" .oom_score)" "computed score = kernel's (adj $adj)"
done
r600=$(sys "${PID[600]}" .rank) r300=$(sys "${PID[300]}" .rank) r0=$(sys "${PID[0]}" .rank)
assert_le "$r600" "$((r300 - 1))" "system-wide the 600 one before the 300 one"
assert_le "$r300" "$((r0 - 1))" "system-wide the 300 one before the 0 one"
assert_eq "$(jq -rs '.[-1] | "\(.type) \(.rank)"' "$TMPD/rank")" "oom_summary true" "summary last"
# ps shows the same score and adjustment, and -s oom sorts by them
"$MEMMON" ps --json -s oom -p "${PID[0]}" -p "${PID[300]}" -p "${PID[600]}" >"$TMPD/ps" || fail "ps -s oom"
assert_eq "$(jq -r 'select(.type == "ps_process") | .oom_score_adj' "$TMPD/ps" | tr '\n' ' ')" "600 300 0 " "ps -s oom order"
assert_eq "$(jq -r 'select(.type == "ps_process" and .pid == '"${PID[600]}"') | .oom_score' "$TMPD/ps")" "$(cat /proc/${PID[600]}/oom_score)" "ps oom_score"
"$MEMMON" oom --rank >"$TMPD/text" || fail "text"
assert_contains "$TMPD/text" "memory cgroup /$NAME (v1): limit 131072 kB"

# Into OOM: a hog of 48 MiB beside the 96 MiB held passes the 128 MiB limit; the 600 one's
# badness (32 MiB + 600 x limit / 1000, about 109 MiB) is the largest, the hog's at most 32.
# Once its pages are uncharged the hog's 48 MiB fit beside the other two.
"$MEMMON" oom --json >"$TMPD/kills" 2>"$TMPD/oom.err" &
TRACER=$!
on_exit "kill $TRACER 2>/dev/null"
for _ in $(seq 200); do grep -q tracing "$TMPD/oom.err" && break; sleep 0.1; done
bash -c "echo \$\$ >$CG/cgroup.procs && exec $WORKLOADS/oom_hog 48" >"$TMPD/hog" 2>&1 &
HOG=$!
wait $HOG
hog_status=$?
sleep 0.5
kill -INT $TRACER
wait $TRACER; assert_eq $? 0 "memmon oom exit status"
assert_eq "$(jq -rs '[.[] | select(.type == "oom_kill")][0] | "\(.victim.pid) \(.cgroup_oom) \(.memcg.path)"' "$TMPD/kills")" \
	"${PID[600]} true /$NAME" "the first kill: the 600 one, in a cgroup OOM"
# The hog may meet the limit again before the victim's pages are uncharged (on a loaded
# machine the kernel has then killed two or three in a row while the hog waited at about
# 32 MiB): the next of the ranking goes next, the 300 one (32 MiB + 300 x limit / 1000,
# about 70 MiB); after it the 0 one and the hog weigh about the same.
read -r -a victims <<<"$(jq -r 'select(.type == "oom_kill") | .victim.pid' "$TMPD/kills" | tr '\n' ' ')"
[ "${#victims[@]}" -lt 2 ] || assert_eq "${victims[1]}" "${PID[300]}" "the second kill: the 300 one"
[[ " ${victims[*]} " == *" $HOG "* ]] || assert_eq "$hog_status" 0 "the hog, not killed, finished"
echo "oom rank OK"
