#!/usr/bin/env bash
# The fault classes the sequence test does not reach: a read then a write of a private file
# mapping (FILE R, then COW W at the same address, on source lines 24 and 25), a kernel-mode
# write fault (pread into a fresh anonymous page), and instruction fetches (X) of the
# program's own text, where the faulting address is the instruction pointer.
source "$(dirname "$0")/../lib.sh"
require_bpf
MAP=/sys/fs/bpf/memmon-test-watchcow-$$/watch_pids
on_exit "rm -rf /sys/fs/bpf/memmon-test-watchcow-$$"
FILE=$TMPD/data
head -c 8192 /dev/urandom >"$FILE"
"$MEMMON" watch --json --map "$MAP" -- "$WORKLOADS/mm_cow" "$FILE" >"$TMPD/log.json" 2>"$TMPD/err" ||
	fail "watch: $(cat "$TMPD/err")"
json_query '
import json, sys, memmon_json
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
addr = {l.split()[0]: int(l.split()[1], 16) for l in open(sys.argv[2]) if l.split()[0] in ("priv", "buf")}
def die(m): sys.exit("FAIL: " + m)
def faults(lo):
    # a fault the kernel retried (VM_FAULT_RETRY, e.g. waiting for a locked page) is taken
    # twice by the CPU and logged twice: count it once. Only faults after the mmap that
    # returned lo: before it, the address may have belonged to another mapping (ld.so maps
    # /etc/ld.so.cache and unmaps it, and the next small mapping often takes its place).
    out = []
    since = next(i for i, r in enumerate(recs) if r["type"] == "watch_syscall" and r["call"] == "mmap" and r["ret"] == lo)
    for r in recs[since:]:
        if r["type"] == "watch_fault" and lo <= r["addr"] < lo + 4096:
            if out and (out[-1]["addr"], out[-1]["class"], out[-1]["access"]) == (r["addr"], r["class"], r["access"]):
                continue
            out.append(r)
    return out
p = [(r["class"], r["access"], r["mode"], r["addr"] - addr["priv"], r["file"], r["symbol"].split(" ")[1]) for r in faults(addr["priv"])]
want = [("FILE", "R", "user", 10, sys.argv[3], "tests/workloads/mm_cow.c:24"),
        ("COW", "W", "user", 10, sys.argv[3], "tests/workloads/mm_cow.c:25")]
if p != want: die("private file mapping faults\n got  %r\n want %r" % (p, want))
b = [(r["class"], r["access"], r["mode"], r["addr"] - addr["buf"], r["ip"] >= 0xffff800000000000) for r in faults(addr["buf"])]
if b != [("ANON", "W", "kernel", 0, True)]: die("kernel-mode fault %r" % b)
x = [r for r in recs if r["type"] == "watch_fault" and r["access"] == "X" and r["file"] == sys.argv[4]]
if not x or any(r["addr"] != r["ip"] or r["class"] != "FILE" or r["mode"] != "user" for r in x): die("exec faults %r" % x)
' "$TMPD/log.json" "$TMPD/err" "$FILE" "$WORKLOADS/mm_cow" || fail "fault classes"
echo ok
