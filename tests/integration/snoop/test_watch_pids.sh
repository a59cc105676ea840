#!/usr/bin/env bash
# The watch list changes while `memmon watch` runs: events of a process start when
# `memmon watch-pids PID` adds it and stop when `-PID` removes it; 0 clears; several pids
# in one call; a watched process that exits leaves the list and its exit is logged;
# --follow adds forked children.
source "$(dirname "$0")/../lib.sh"
require_bpf
DIR=/sys/fs/bpf/memmon-test-watchpids-$$
MAP=$DIR/watch_pids
on_exit "rm -rf $DIR"
WP() { "$MEMMON" watch-pids --map "$MAP" "$@"; }
# mmap calls logged for pid $1 so far
count() { grep -c "\"pid\":$1,.*\"call\":\"mmap\"" "$TMPD/log.json"; }

"$MEMMON" watch --json --no-symbols --map "$MAP" >"$TMPD/log.json" 2>"$TMPD/err" &
W=$!
on_exit "kill $W 2>/dev/null"
for _ in $(seq 50); do grep -q tracing "$TMPD/err" && break; sleep 0.1; done
[ -e "$MAP" ] || fail "watch did not pin $MAP: $(cat "$TMPD/err")"

"$WORKLOADS/mm_ticker" 0 & A=$!
on_exit "kill $A 2>/dev/null"
"$WORKLOADS/mm_ticker" 0 & B=$!
on_exit "kill $B 2>/dev/null"
sleep 0.5
assert_eq "$(WP)" "" "list before any add"
assert_eq "$(count $A)" 0 "events of pid A before it is watched"

WP $A || fail "watch-pids $A"
assert_eq "$(WP)" "$A" "list after adding A"
sleep 0.6
n=$(count $A)
assert_ge "$n" 10 "mmap calls of A while watched (one every 20 ms)"
assert_eq "$(count $B)" 0 "events of the unwatched pid B"
# each tick logged whole: mmap, its fault, munmap
assert_ge "$(grep -c "\"pid\":$A,.*\"class\":\"ANON\",\"access\":\"W\"" "$TMPD/log.json")" $((n - 1)) "ANON W faults of A"

WP -$A || fail "watch-pids -$A"
assert_eq "$(WP)" "" "list after removing A"
sleep 0.5 # events already in the ring buffer are still printed
n=$(count $A)
sleep 0.6
assert_eq "$(count $A)" "$n" "mmap calls of A after it was removed"

# several pids at once (sorted listing), then 0 clears them
WP $B $A || fail "watch-pids $B $A"
assert_eq "$(WP | tr '\n' ' ')" "$(printf '%s\n' $A $B | sort -n | tr '\n' ' ')" "list of two"
assert_eq "$(WP --json)" "{\"type\":\"watch_pids_list\",\"pids\":[$(printf '%s\n' $A $B | sort -n | paste -sd,)]}" "JSON list"
WP 0 || fail "watch-pids 0"
assert_eq "$(WP)" "" "list after clearing"

# a watched process that exits leaves the list and its exit is logged (killed by SIGTERM)
WP $B
sleep 0.2
kill $B; wait $B 2>/dev/null
sleep 0.3
assert_eq "$(WP)" "" "list after the watched process exited"
grep -q "\"type\":\"watch_exit\",.*\"pid\":$B,.*\"signal\":15" "$TMPD/log.json" || fail "no exit record for $B"

# bad input: a pid that does not exist, a malformed one
WP 999999999 2>"$TMPD/e1"; assert_eq $? 1 "exit code for a missing pid"
assert_contains "$TMPD/e1" "pid 999999999 does not exist"
WP 12abc 2>"$TMPD/e2"; assert_eq $? 2 "exit code for a malformed pid"
"$MEMMON" watch-pids --map "$DIR/none" 2>"$TMPD/e3"; assert_eq $? 1 "exit code without a running watch"
assert_contains "$TMPD/e3" "no watch list at $DIR/none"

kill -INT $W; wait $W; assert_eq $? 0 "watch exit code after Ctrl-C"
[ -e "$MAP" ] && fail "watch left its pin behind"

# --follow: the forked child's calls are logged and its exit (code 7) too
"$MEMMON" watch --json --no-symbols --follow --map "$MAP" -- "$WORKLOADS/mm_ticker" 10 fork \
	>"$TMPD/follow.json" 2>"$TMPD/err" || fail "watch --follow: $(cat "$TMPD/err")"
child=$(json_query 'import json,sys, memmon_json
print(next(memmon_json.loads(l)["child_pid"] for l in open(sys.argv[1]) if "\"watch_fork\"" in l))' "$TMPD/follow.json")
assert_eq "$(grep -c "\"pid\":$child,.*\"call\":\"mmap\",\"args\":{\"addr\":\"0x0\",\"length\":4096" "$TMPD/follow.json")" 10 "mmap calls of the followed child"
grep -q "\"type\":\"watch_exit\",.*\"pid\":$child,.*\"exit_code\":7" "$TMPD/follow.json" || fail "no exit record of the child"
# with --no-follow the child of a launched program is not logged
"$MEMMON" watch --json --no-symbols --no-follow --map "$MAP" -- "$WORKLOADS/mm_ticker" 5 fork >"$TMPD/nofollow.json" 2>&1
child=$(json_query 'import json,sys, memmon_json
print(next(memmon_json.loads(l)["child_pid"] for l in open(sys.argv[1]) if "\"watch_fork\"" in l))' "$TMPD/nofollow.json")
assert_eq "$(grep -c "\"pid\":$child," "$TMPD/nofollow.json")" 0 "records of an unfollowed child"
echo ok
