#!/usr/bin/env bash
# memmon watch on a workload with a known sequence of memory calls (tests/workloads/
# mm_sequence.c): the log must hold exactly those calls with their arguments and results,
# exactly the 3 anonymous write faults, the 1 file read fault and the 1 shm write fault
# with the right class, access, address and source line, in order.
source "$(dirname "$0")/../lib.sh"
require_bpf
MAP=/sys/fs/bpf/memmon-test-watch-$$/watch_pids
on_exit "rm -rf /sys/fs/bpf/memmon-test-watch-$$"
FILE=$TMPD/mapped.dat
head -c 8192 /dev/urandom >"$FILE"

"$MEMMON" watch --json --map "$MAP" -- "$WORKLOADS/mm_sequence" "$FILE" >"$TMPD/log.json" 2>"$TMPD/err" ||
	fail "watch failed: $(cat "$TMPD/err")"
[ -e "$MAP" ] && fail "the pinned watch list $MAP was left behind"

json_query '
import json, sys, memmon_json
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
addr = {}
for line in open(sys.argv[2]):
    k, _, v = line.strip().partition(" ")
    if k in ("brk", "anon", "file", "shm"): addr[k] = int(v, 16)
    if k == "shmid": addr[k] = int(v)
path = sys.argv[3]
def die(msg): sys.exit("FAIL: " + msg)
pid = next(r["pid"] for r in recs if r["type"] == "watch_exec")
recs = [r for r in recs if r.get("pid", pid) == pid]
if recs[0]["type"] != "watch_exec": die("the log of a launched program must start at its exec, not %r" % recs[0])
if [r["file"] for r in recs if r["type"] == "watch_exec"] != [sys.argv[4]]: die("exec record")
calls = [(i, r) for i, r in enumerate(recs) if r["type"] == "watch_syscall"]
start = next(k for k, (i, r) in enumerate(calls) if r["call"] == "mmap" and r["args"]["length"] == 139264)
b, a, f, s, sid = addr["brk"], addr["anon"], addr["file"], addr["shm"], addr["shmid"]
expect = [
  ("brk", {"addr": 0}, b),
  ("brk", {"addr": b + 65536}, b + 65536),
  ("mmap", {"addr": 0, "length": 139264, "prot": "rw-", "flags": "MAP_PRIVATE|MAP_ANONYMOUS", "fd": -1, "path": None, "offset": 0}, a),
  ("mmap", {"addr": 0, "length": 8192, "prot": "r--", "flags": "MAP_SHARED", "fd": 3, "path": path, "offset": 0}, f),
  ("munmap", {"addr": f, "length": 8192}, 0),
  ("munmap", {"addr": a, "length": 139264}, 0),
  ("shmget", {"key": "IPC_PRIVATE", "size": 8192, "shmflg": "IPC_CREAT|0600"}, sid),
  ("shmat", {"shmid": sid, "shmaddr": 0, "shmflg": "0"}, s),
  ("shmdt", {"shmaddr": s}, 0),
  ("shmctl", {"shmid": sid, "cmd": "IPC_RMID", "buf": 0}, 0),
]
got = [(r["call"], r["args"], r["ret"]) for i, r in calls[start - 2:start - 2 + len(expect)]]
for e, g in zip(expect, got):
    if e != g: die("expected call %r, got %r" % (e, g))
if len(got) != len(expect): die("sequence cut short: %r" % got)
if any(r["error"] is not None for i, r in calls[start - 2:start + 8]): die("unexpected errno")
idx = {e[0] + str(n): calls[start - 2 + n][0] for n, e in enumerate(expect)}
faults = [(i, r) for i, r in enumerate(recs) if r["type"] == "watch_fault"]
def within(lo, size): return [(i, r) for i, r in faults if lo <= r["addr"] < lo + size]
anon = [(i, r) for i, r in within(a, 139264) if i < idx["munmap5"]]
want = [(a, 25), (a + 5 * 4096 + 100, 26), (a + 33 * 4096 + 4095, 27)]
if len(anon) != 3: die("expected 3 faults in the anonymous mapping, got %d" % len(anon))
for (i, r), (ad, line) in zip(anon, want):
    if (r["class"], r["access"], r["mode"], r["addr"]) != ("ANON", "W", "user", ad): die("anon fault %r" % r)
    if not (idx["mmap2"] < i < idx["munmap5"]): die("anon fault out of order")
    if "touch_pages" not in r["symbol"] or ("mm_sequence.c:%d" % line) not in r["symbol"]: die("anon fault symbol %r" % r["symbol"])
fl = [(i, r) for i, r in within(f, 8192) if idx["mmap3"] < i < idx["munmap4"]]
# a file fault the kernel retried (waiting for the page lock or I/O) is logged twice
fl = [x for k, x in enumerate(fl) if k == 0 or (x[1]["addr"], x[1]["class"]) != (fl[k - 1][1]["addr"], fl[k - 1][1]["class"])]
if len(fl) != 1: die("expected 1 fault in the file mapping, got %d" % len(fl))
i, r = fl[0]
if (r["class"], r["access"], r["mode"], r["addr"], r["file"], r["file_offset"]) != ("FILE", "R", "user", f + 4096 + 10, path, 4106): die("file fault %r" % r)
if "read_file_page" not in r["symbol"] or "mm_sequence.c:32" not in r["symbol"]: die("file fault symbol %r" % r["symbol"])
sh = [(i, r) for i, r in within(s, 8192) if idx["shmat7"] < i < idx["shmdt8"]]
if len(sh) != 1: die("expected 1 fault in the shm segment, got %d" % len(sh))
i, r = sh[0]
if (r["class"], r["access"], r["addr"], r["file"], r["vm_shared"]) != ("FILE", "W", s, "/SYSV00000000", True): die("shm fault %r" % r)
ex = [r for r in recs if r["type"] == "watch_exit"]
if len(ex) != 1 or ex[0]["exit_code"] != 0: die("exit record %r" % ex)
end = recs[-1]
if end["type"] != "watch_summary" or end["lost_events"] != 0 or end["reason"] != "program exited": die("end record %r" % end)
' "$TMPD/log.json" "$TMPD/err" "$FILE" "$WORKLOADS/mm_sequence" || fail "log does not match the sequence"

# Text output: the same calls, decoded on one line each.
"$MEMMON" watch --map "$MAP" -- "$WORKLOADS/mm_sequence" "$FILE" >"$TMPD/log.txt" 2>"$TMPD/err2" || fail "watch (text) failed"
anon=$(awk '$1 == "anon" {print $2}' "$TMPD/err2")
assert_contains "$TMPD/log.txt" "mmap(NULL, 139264, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = $anon"
assert_contains "$TMPD/log.txt" "mmap(NULL, 8192, r--, MAP_SHARED, 3<$FILE>, 0) = "
assert_contains "$TMPD/log.txt" "munmap($anon, 139264) = 0"
assert_contains "$TMPD/log.txt" "shmget(IPC_PRIVATE, 8192, IPC_CREAT|0600) = "
assert_contains "$TMPD/log.txt" "shmctl("
assert_eq "$(grep -c "fault ANON    W user   $anon " "$TMPD/log.txt")" 1 "text line of the first anon fault"
assert_contains "$TMPD/err2" "memmon watch: program exited;"

# -p on a running process (it starts its sequence after 2 s): the same calls are logged,
# and watch stops by itself once the process exited and left the watch list.
"$WORKLOADS/mm_sequence" "$FILE" 2 2>"$TMPD/err3" & P=$!
on_exit "kill $P 2>/dev/null"
"$MEMMON" watch --json -p $P --map "$MAP" >"$TMPD/p.json" 2>"$TMPD/p.err" || fail "watch -p: $(cat "$TMPD/p.err")"
wait $P
anon=$(( $(awk '$1 == "anon" {print $2}' "$TMPD/err3") ))
assert_eq "$(grep -c "\"pid\":$P,.*\"call\":\"mmap\",\"args\":{\"addr\":\"0x0\",\"length\":139264,.*\"ret\":\"$(printf 0x%x $anon)\"," "$TMPD/p.json")" 1 "the anon mmap under -p"
assert_eq "$(json_query 'import json, sys, memmon_json
anon = int(sys.argv[2])
for r in memmon_json.records(sys.argv[1]):
    if r["type"] == "watch_fault" and anon <= r["addr"] < anon + 139264:
        print(json.dumps([r["class"], r["access"], r["addr"] - anon], separators=(",", ":")))' "$TMPD/p.json" $anon | paste -sd' ')" \
	'["ANON","W",0] ["ANON","W",20580] ["ANON","W",139263]' "faults in the anon mapping under -p"
assert_eq "$(tail -1 "$TMPD/p.json" | jq -r .reason)" "watch list empty" "why watch -p stopped"
grep -q "\"type\":\"watch_exit\",.*\"pid\":$P," "$TMPD/p.json" || fail "no exit record under -p"
echo ok
