#!/usr/bin/env bash
# memmon ps against smem on a process whose memory does not change (see steady.sh).
source "$(dirname "$0")/../lib.sh"
command -v smem >/dev/null || fail "smem is not installed (scripts/setup.sh installs it)"

source "$(dirname "$0")/steady.sh"
start_steady
NAME=$STEADY_NAME PATTERN=$STEADY_PATTERN

# smem's numbers for our two processes (it reads smaps; columns in the order asked).
smem -H -c "pid uss pss rss swap vss" -P "$PATTERN" >"$TMPD/smem" || fail "smem failed"
smem_row() { awk -v p="$1" '$1 == p {print $2, $3, $4, $5, $6}' "$TMPD/smem"; }
memmon_row() { jq -r 'select(.type == "ps_process") | "\(.uss_kb) \(.pss_kb) \(.rss_kb) \(.swap_kb) \(.vss_kb)"' "$1"; }
for pid in "$PARENT" "$CHILD"; do
	want=$(smem_row "$pid")
	[ -n "$want" ] || { cat "$TMPD/smem"; fail "smem does not list pid $pid"; }
	$MEMMON ps -p "$pid" --json >"$TMPD/rollup.$pid" || fail "memmon ps -p $pid failed"
	$MEMMON ps -p "$pid" --smaps --json >"$TMPD/smaps.$pid" || fail "memmon ps --smaps failed"
	assert_eq "$(memmon_row "$TMPD/rollup.$pid")" "$want" "USS PSS RSS swap VSS of $pid (smaps_rollup) vs smem"
	assert_eq "$(memmon_row "$TMPD/smaps.$pid")" "$want" "USS PSS RSS swap VSS of $pid (smaps) vs smem"
done

# Column arithmetic against the kernel's own rollup of the parent.
rollup() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$PARENT/smaps_rollup"; }
uss=$(jq -r 'select(.type == "ps_process") | .uss_kb' "$TMPD/rollup.$PARENT")
assert_eq "$uss" "$(($(rollup Private_Clean) + $(rollup Private_Dirty)))" "USS = Private_Clean + Private_Dirty"
assert_eq "$(jq -r 'select(.type == "ps_process") | .pss_kb' "$TMPD/rollup.$PARENT")" "$(rollup Pss)" "PSS = rollup Pss"
# VmSize leaves out the [vsyscall] page, which maps lists where the kernel has one (vsyscall=xonly);
# Debian's 6.1 is built with vsyscall=none.
vsys=$(grep -c '\[vsyscall\]$' "/proc/$PARENT/maps" || true)
assert_eq "$(jq -r 'select(.type == "ps_process") | .vss_kb' "$TMPD/rollup.$PARENT")" \
	"$(awk -v v="$vsys" '/^VmSize/ {print $2 + 4 * v}' "/proc/$PARENT/status")" "VSS = VmSize + [vsyscall] page ($vsys)"
# The workload's known parts: 4 MiB private; 2 MiB shared with the child counts half.
assert_ge "$uss" 4096 "parent USS holds the 4 MiB private block"
parent_pss=$(jq -r 'select(.type == "ps_process") | .pss_kb' "$TMPD/rollup.$PARENT")
child_pss=$(jq -r 'select(.type == "ps_process") | .pss_kb' "$TMPD/rollup.$CHILD")
child_uss=$(jq -r 'select(.type == "ps_process") | .uss_kb' "$TMPD/rollup.$CHILD")
assert_ge "$child_pss" $((child_uss + 1024)) "child PSS >= its USS + half of the 2 MiB shared block"

# Both processes at once: rows, totals line = sum of rows, percentages of MemTotal.
$MEMMON ps -p "$PARENT" -p "$CHILD" --percent --json >"$TMPD/both" || fail "ps -p -p"
assert_eq "$(jq -s '[.[] | select(.type == "ps_process")] | length' "$TMPD/both")" 2 "rows"
assert_eq "$(jq -s '[.[] | select(.type == "ps_process") | .pss_kb] | add' "$TMPD/both")" \
	"$(jq -r 'select(.type == "ps_summary") | .pss_kb' "$TMPD/both")" "total PSS = sum of rows"
assert_eq "$(jq -s '[.[] | select(.type == "ps_process") | .uss_kb] | add' "$TMPD/both")" \
	"$(jq -r 'select(.type == "ps_summary") | .uss_kb' "$TMPD/both")" "total USS = sum of rows"
memtotal=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)
assert_eq "$(jq -r "select(.type == \"ps_process\" and .pid == $PARENT) | (.pss_pct * $memtotal / 100 + 0.5 | floor)" "$TMPD/both")" \
	"$parent_pss" "pss_pct is PSS as % of MemTotal"
assert_eq "$(jq -r 'select(.type == "ps_summary") | .skipped.processes' "$TMPD/both")" 0 "nothing skipped"
assert_eq "$(jq -rs '[.[] | select(.type == "ps_summary")] | length' "$TMPD/both")" 1 "one summary"
assert_eq "$(jq -rs '.[-1].type' "$TMPD/both")" ps_summary "the summary comes last"
# Sorted largest PSS first; -r reverses.
$MEMMON ps -p "$PARENT" -p "$CHILD" >"$TMPD/text" || fail "text ps"
assert_eq "$(awk 'NR == 2 {print $1}' "$TMPD/text")" "$PARENT" "largest PSS first"
$MEMMON ps -p "$PARENT" -p "$CHILD" -r >"$TMPD/text" || fail "text ps -r"
assert_eq "$(awk 'NR == 2 {print $1}' "$TMPD/text")" "$CHILD" "-r: smallest first"
assert_contains "$TMPD/text" "2 processes (total)"
# --comm selects by name (the copy's name, truncated to 15 characters by the kernel).
$MEMMON ps --comm "$(cat /proc/$PARENT/comm)" --json >"$TMPD/comm" || fail "--comm"
assert_eq "$(jq -s '[.[] | select(.type == "ps_process") | .pid] | sort | join(",")' "$TMPD/comm")" "\"$(printf '%s\n' "$PARENT" "$CHILD" | sort -n | paste -sd,)\"" "--comm rows"

# --by mapping against smem -m on the same two processes.
smem -H -m -c "map count pids uss pss rss" -P "$PATTERN" >"$TMPD/smem_m" || fail "smem -m failed"
$MEMMON ps --by mapping -p "$PARENT" -p "$CHILD" --json >"$TMPD/maps" || fail "ps --by mapping"
for map in "$TMPD/libc.so.6" "$TMPD/ld.so" "$TMPD/$NAME" "/dev/zero"; do
	want=$(awk -v m="$map" '$1 == m {print $2, $3, $4, $5, $6}' "$TMPD/smem_m")
	# smem cuts names at 40 characters.
	[ -n "$want" ] || want=$(awk -v m="${map:0:40}" 'index($0, m) == 1 {print $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF}' "$TMPD/smem_m")
	got=$(jq -r --arg m "$map" 'select(.type == "ps_mapping" and (.map | startswith($m))) | "\(.mappings) \(.pids) \(.uss_kb) \(.pss_kb) \(.rss_kb)"' "$TMPD/maps")
	assert_eq "$got" "$want" "--by mapping row $map vs smem -m"
done
# The shared 2 MiB block (/dev/zero (deleted)): both processes, 4 MiB RSS, 2 MiB PSS, no USS.
assert_eq "$(jq -r 'select(.type == "ps_mapping" and (.map | startswith("/dev/zero"))) | "\(.pids) \(.rss_kb) \(.pss_kb) \(.uss_kb)"' "$TMPD/maps")" \
	"2 4096 2048 0" "shared block"

# --by user against smem -u on the same two processes.
$MEMMON ps --by user -p "$PARENT" -p "$CHILD" --json >"$TMPD/users" || fail "--by user"
assert_eq "$(jq -r 'select(.type == "ps_user") | "\(.user) \(.processes)"' "$TMPD/users")" "$(id -un) 2" "user row"
smem -H -u -c "user count swap uss pss rss" -P "$PATTERN" >"$TMPD/smem_u" || fail "smem -u failed"
assert_eq "$(jq -r 'select(.type == "ps_user") | "\(.user) \(.processes) \(.swap_kb) \(.uss_kb) \(.pss_kb) \(.rss_kb)"' "$TMPD/users")" \
	"$(awk '{print $1, $2, $3, $4, $5, $6}' "$TMPD/smem_u")" "--by user vs smem -u"

# Processes that cannot be read never abort the listing: as an unprivileged user, root's
# processes (our steady pair among them) are skipped and counted, the user's own listed.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid 65534 --regid 65534 --clear-groups $MEMMON ps --json >"$TMPD/user" 2>"$TMPD/err"
	assert_eq $? 0 "ps as an unprivileged user"
	assert_ge "$(jq -r 'select(.type == "ps_summary") | .skipped.unreadable' "$TMPD/user")" 2 "unreadable processes counted"
	assert_eq "$(jq -r "select(.type == \"ps_process\" and (.pid == $PARENT or .pid == $CHILD)) | .pid" "$TMPD/user")" "" "root's processes not listed"
	assert_eq "$(jq -r 'select(.type == "ps_process") | .user' "$TMPD/user" | sort -u)" "$(jq -r 'select(.type == "ps_process") | .user' "$TMPD/user" | sort -u | grep -x nobody || true)" "only the user's own processes"
fi
# Processes exiting while listed: a churn of short-lived processes; every listing succeeds.
( for _ in $(seq 400); do /bin/true; done ) &
CHURN=$!
on_exit "kill $CHURN 2>/dev/null"
for _ in $(seq 10); do
	$MEMMON ps --json >"$TMPD/churn" 2>&1 || fail "ps failed while processes come and go"
	jq -se 'map(select(.type == "ps_summary")) | length == 1 and .[0].processes >= 2' "$TMPD/churn" >/dev/null || fail "bad listing under churn"
done
wait $CHURN

# Bad input: exit codes and one-line errors.
$MEMMON ps -p abc 2>"$TMPD/err"; assert_eq $? 2 "invalid pid is a usage error"
$MEMMON ps -p 4194304 2>"$TMPD/err"; assert_eq $? 1 "missing pid"
assert_contains "$TMPD/err" "does not exist"
$MEMMON ps --sort bogus 2>"$TMPD/err"; assert_eq $? 2 "bad sort column"
$MEMMON ps --by disk 2>"$TMPD/err"; assert_eq $? 2 "bad --by"
$MEMMON ps --user no_such_user_$$ 2>"$TMPD/err"; assert_eq $? 2 "bad --user"
$MEMMON ps -i 1 2>"$TMPD/err"; assert_eq $? 2 "no -i"
echo "ps OK"
