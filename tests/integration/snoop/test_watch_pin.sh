#!/usr/bin/env bash
# The watch list's pin cannot be taken, goes stale or disappears under a session:
# - a directory an ordinary user made (or any directory others may write) is refused;
# - --map outside a BPF filesystem fails before any directory is made;
# - the pin of a session killed by SIGKILL is removed by the next session, and that one
#   removes its own pin when it ends;
# - the first of two sessions sharing a pin leaving does not unpin it under the second.
source "$(dirname "$0")/../lib.sh"
require_bpf
make_ordinary_user
DIR=/sys/fs/bpf/memmon-test-watchpin-$$
MAP=$DIR/watch_pids
on_exit "rm -rf $DIR"
"$WORKLOADS/mm_ticker" 0 & T=$!
on_exit "kill $T 2>/dev/null"
started() { for _ in $(seq 100); do grep -q tracing "$1" && return; sleep 0.05; done; cat "$1"; fail "watch did not start"; }

# 1. A directory of an ordinary user's: refused, and left as it was.
as_user mkdir -m 777 "$DIR" || fail "the user cannot make a directory in /sys/fs/bpf"
timeout 20 "$MEMMON" watch --no-symbols --map "$MAP" -p $T -d 1 >/dev/null 2>"$TMPD/e1"
assert_eq $? 1 "watch in a user's directory"
assert_contains "$TMPD/e1" "refusing the watch list in $DIR: it belongs to uid $(id -u "$ORDINARY_USER"), not root"
[ -e "$MAP" ] && fail "a watch list was pinned in the user's directory"
rmdir "$DIR"
# root's, but writable by others
mkdir -m 777 "$DIR"
timeout 20 "$MEMMON" watch --no-symbols --map "$MAP" -p $T -d 1 >/dev/null 2>"$TMPD/e2"
assert_eq $? 1 "watch in a directory others may write"
assert_contains "$TMPD/e2" "others may write in it (mode 777)"
rmdir "$DIR"

# 2. Not in bpffs: said before anything is made.
NB=/tmp/memmon-notbpffs-$$
timeout 20 "$MEMMON" watch --no-symbols --map "$NB/x" -p $T -d 1 >/dev/null 2>"$TMPD/e3"
assert_eq $? 1 "--map outside bpffs"
assert_contains "$TMPD/e3" "--map $NB/x is not in a BPF filesystem"
[ -e "$NB" ] && { rm -rf "$NB"; fail "$NB was created"; }

# 3. A killed session's pin: the next session removes it, and its own at the end.
"$MEMMON" watch --no-symbols --map "$MAP" -p $T >/dev/null 2>"$TMPD/k.err" & K=$!
started "$TMPD/k.err"
kill -KILL $K; wait $K 2>/dev/null
[ -e "$MAP" ] || fail "no pin left by the killed session (nothing to test)"
timeout 20 "$MEMMON" watch --no-symbols --map "$MAP" -p $T -d 1 >/dev/null 2>"$TMPD/s.err"
assert_eq $? 0 "watch after a killed session"
assert_contains "$TMPD/s.err" "removed the stale watch list $MAP"
[ -e "$MAP" ] && fail "the pin outlived the session that found it stale"
[ -e "$DIR" ] && fail "the pin's directory outlived the last session"

# 4. Two sessions share a pin: the first one leaving keeps it for the second.
"$MEMMON" watch --no-symbols --map "$MAP" -p $T -d 2 >/dev/null 2>"$TMPD/a.err" & A=$!
started "$TMPD/a.err"
"$MEMMON" watch --no-symbols --map "$MAP" -p $T -d 4 >/dev/null 2>"$TMPD/b.err" & B=$!
started "$TMPD/b.err"
wait $A; assert_eq $? 0 "first session"
[ -e "$MAP" ] || fail "the first session unpinned the list the second one uses"
assert_eq "$("$MEMMON" watch-pids --map "$MAP")" "$T" "the shared list after the first session left"
wait $B; assert_eq $? 0 "second session"
[ -e "$MAP" ] && fail "the last session left its pin"
echo "ok: watch pin"
