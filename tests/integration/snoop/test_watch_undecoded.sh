#!/usr/bin/env bash
# A fault sees a mapping change memmon did not decode: tests/workloads/mm_undecoded.c makes
# a private read-only file mapping writable with pkey_mprotect, which watch does not
# decode, between a read and a write of the same byte. The write must be
# COW with prot rw- (the mapping as it is), not PROT with r-- (as it was): the mapping
# lookup's cache is validated by the address space's mm_lock_seq, not by decoded calls.
source "$(dirname "$0")/../lib.sh"
require_bpf
MAP=/sys/fs/bpf/memmon-test-watchundec-$$/watch_pids
on_exit "rm -rf /sys/fs/bpf/memmon-test-watchundec-$$"
FILE=$TMPD/data
head -c 8192 /dev/urandom >"$FILE"
"$MEMMON" watch --json --map "$MAP" -- "$WORKLOADS/mm_undecoded" "$FILE" >"$TMPD/log.json" 2>"$TMPD/err" ||
	fail "watch: $(cat "$TMPD/err")"
SRC=$MEMMON_ROOT/tests/workloads/mm_undecoded.c
read_line=$(grep -n READ_LINE "$SRC" | cut -d: -f1)
write_line=$(grep -n WRITE_LINE "$SRC" | cut -d: -f1)
json_query '
import json, sys, memmon_json
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
priv = next(int(l.split()[1], 16) for l in open(sys.argv[2]) if l.startswith("priv "))
def die(m): sys.exit("FAIL: " + m)
if any(r["type"] == "watch_syscall" and r["call"] in ("mprotect", "pkey_mprotect") and r["args"]["addr"] == priv for r in recs): die("the pkey_mprotect was decoded: the test proves nothing")
since = next(i for i, r in enumerate(recs) if r["type"] == "watch_syscall" and r["call"] == "mmap" and r["ret"] == priv)
out = []
for r in recs[since:]:
    if r["type"] == "watch_fault" and priv <= r["addr"] < priv + 4096:
        f = (r["class"], r["access"], r["addr"] - priv, r["vm_prot"], r["file"], r["symbol"].split(" ")[1])
        if not out or out[-1] != f: # a retried fault is logged twice
            out.append(f)
want = [("FILE", "R", 10, "r--", sys.argv[3], "tests/workloads/mm_undecoded.c:" + sys.argv[4]),
        ("COW", "W", 10, "rw-", sys.argv[3], "tests/workloads/mm_undecoded.c:" + sys.argv[5])]
if out != want: die("faults\n got  %r\n want %r" % (out, want))
' "$TMPD/log.json" "$TMPD/err" "$FILE" "$read_line" "$write_line" || fail "faults around the undecoded mprotect"
echo ok
