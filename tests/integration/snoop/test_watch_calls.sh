#!/usr/bin/env bash
# The other decoded calls (tests/workloads/mm_calls.c): mprotect, madvise, mlock, munlock,
# mlock2, mlockall, munlockall, mremap (failing with EFAULT, then moving a mapping), and
# failures reported by errno name (EINVAL, EBADF): exactly these calls, in order, with
# their arguments and results.
source "$(dirname "$0")/../lib.sh"
require_bpf
MAP=/sys/fs/bpf/memmon-test-watchcalls-$$/watch_pids
on_exit "rm -rf /sys/fs/bpf/memmon-test-watchcalls-$$"
"$MEMMON" watch --json --no-symbols --map "$MAP" -- "$WORKLOADS/mm_calls" >"$TMPD/log.json" 2>"$TMPD/err" ||
	fail "watch: $(cat "$TMPD/err")"
json_query '
import json, sys, memmon_json
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
a = {l.split()[0]: int(l.split()[1], 16) for l in open(sys.argv[2]) if l.split()[0] in ("p", "q", "r")}
p, q, r, P = a["p"], a["q"], a["r"], 4096
calls = [(c["call"], c["args"], c["ret"], c["error"]) for c in recs if c["type"] == "watch_syscall"]
i = next(k for k, c in enumerate(calls) if c[0] == "mmap" and c[2] == p)
want = [
  ("mmap", {"addr": 0, "length": 3 * P, "prot": "rw-", "flags": "MAP_PRIVATE|MAP_ANONYMOUS", "fd": -1, "path": None, "offset": 0}, p, None),
  ("mprotect", {"addr": p + P, "length": P, "prot": "r--"}, 0, None),
  ("madvise", {"addr": p + P, "length": P, "advice": "MADV_DONTNEED"}, 0, None),
  ("mlock", {"addr": p, "length": P}, 0, None),
  ("munlock", {"addr": p, "length": P}, 0, None),
  ("mlock2", {"addr": p + 2 * P, "length": P, "flags": "MLOCK_ONFAULT"}, 0, None),
  ("mlockall", {"flags": "MCL_CURRENT|MCL_FUTURE"}, 0, None),
  ("munlockall", {}, 0, None),
  ("mremap", {"old_address": p, "old_size": 3 * P, "new_size": 5 * P, "flags": "MREMAP_MAYMOVE", "new_address": 0}, -1, "EFAULT"),
  ("mmap", {"addr": 0, "length": 2 * P, "prot": "rw-", "flags": "MAP_PRIVATE|MAP_ANONYMOUS", "fd": -1, "path": None, "offset": 0}, r, None),
  ("mremap", {"old_address": r, "old_size": 2 * P, "new_size": 4 * P, "flags": "MREMAP_MAYMOVE", "new_address": 0}, q, None),
  ("munmap", {"addr": q + 1, "length": P}, -1, "EINVAL"),
  ("mmap", {"addr": 0, "length": P, "prot": "r--", "flags": "MAP_SHARED", "fd": 999, "path": None, "offset": 0}, -1, "EBADF"),
  ("shmctl", {"shmid": 999999999, "cmd": "IPC_RMID", "buf": 0}, -1, "EINVAL"),
]
got = calls[i:]
if got != want:
    for g, w in zip(got, want):
        if g != w: print("got  %r\nwant %r" % (g, w))
    sys.exit("FAIL: %d calls, %d expected" % (len(got), len(want)))
' "$TMPD/log.json" "$TMPD/err" || fail "calls"
"$MEMMON" watch --no-symbols --map "$MAP" -- "$WORKLOADS/mm_calls" >"$TMPD/log.txt" 2>&1 || fail "watch (text)"
assert_contains "$TMPD/log.txt" "mlockall(MCL_CURRENT|MCL_FUTURE) = 0"
assert_contains "$TMPD/log.txt" "mmap(NULL, 4096, r--, MAP_SHARED, 999, 0) = -1 EBADF"
assert_contains "$TMPD/log.txt" "shmctl(999999999, IPC_RMID, NULL) = -1 EINVAL"
# --comm: only processes of that name are printed
"$MEMMON" watch --json --no-symbols --comm mm_calls --map "$MAP" -- "$WORKLOADS/mm_calls" >"$TMPD/c1.json" 2>/dev/null || fail "watch --comm"
assert_eq "$(jq -r 'select(.type == "watch_syscall" and .call == "mlockall") | .comm' "$TMPD/c1.json")" mm_calls "records with --comm mm_calls"
"$MEMMON" watch --json --no-symbols --comm other --map "$MAP" -- "$WORKLOADS/mm_calls" >"$TMPD/c2.json" 2>/dev/null || fail "watch --comm other"
assert_eq "$(jq -r 'select(.pid) | .type' "$TMPD/c2.json" | wc -l)" 0 "records with --comm other"
# A log that cannot be written (a full disk: /dev/full) is a failure; a reader that goes
# away (| head) is not.
"$MEMMON" watch --no-symbols --map "$MAP" -- "$WORKLOADS/mm_calls" >/dev/full 2>"$TMPD/full.err"
assert_eq $? 1 "watch writing to a full disk"
assert_contains "$TMPD/full.err" "writing the output failed (disk full?)"
"$MEMMON" watch --no-symbols --map "$MAP" -- "$WORKLOADS/mm_calls" 2>/dev/null | head -1 >/dev/null
assert_eq "${PIPESTATUS[0]}" 0 "watch | head"
echo ok
