#!/usr/bin/env bash
# memmon mmap, shm and brk on workloads with known calls: exact calls, arguments and
# results; two processes seen using the same shm id; brk growth charged to the workload's
# function and line through glibc (DWARF unwinding); bad input gives clean errors.
source "$(dirname "$0")/../lib.sh"
require_bpf
FILE=$TMPD/mapped.dat
head -c 8192 /dev/urandom >"$FILE"
# waits until a snoop says it is tracing (its stderr is file $1)
wait_attached() {
	for _ in $(seq 100); do
		grep -q "tracing" "$1" && return 0
		sleep 0.1
	done
	fail "memmon never attached: $(cat "$1")"
}

# --- mmap: only mmap/munmap, the workload's own four in order
"$MEMMON" mmap --json -- "$WORKLOADS/mm_sequence" "$FILE" >"$TMPD/mmap.json" 2>"$TMPD/mmap.err" ||
	fail "memmon mmap: $(cat "$TMPD/mmap.err")"
json_query '
import json, sys, memmon_json
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
addr = {l.split()[0]: int(l.split()[1], 16) for l in open(sys.argv[2]) if l.split()[0] in ("anon", "file")}
calls = [r for r in recs if r["type"] == "mmap_syscall"]
if {r["call"] for r in calls} != {"mmap", "munmap"}: sys.exit("FAIL: calls %r" % {r["call"] for r in calls})
i = next(k for k, r in enumerate(calls) if r["args"].get("length") == 139264 and r["call"] == "mmap")
a, f = addr["anon"], addr["file"]
got = [(r["call"], r["args"], r["ret"], r["error"]) for r in calls[i:i + 4]]
want = [("mmap", {"addr": 0, "length": 139264, "prot": "rw-", "flags": "MAP_PRIVATE|MAP_ANONYMOUS", "fd": -1, "path": None, "offset": 0}, a, None),
        ("mmap", {"addr": 0, "length": 8192, "prot": "r--", "flags": "MAP_SHARED", "fd": 3, "path": sys.argv[3], "offset": 0}, f, None),
        ("munmap", {"addr": f, "length": 8192}, 0, None),
        ("munmap", {"addr": a, "length": 139264}, 0, None)]
if got != want: sys.exit("FAIL: mmap sequence\n got  %r\n want %r" % (got, want))
end = dict(recs[-1])
secs = end.pop("seconds", None)
if end != {"type": "mmap_summary", "reason": "program exited", "lost_events": 0, "events": len(calls)} or not isinstance(secs, float) or secs <= 0:
    sys.exit("FAIL: summary %r" % recs[-1])
' "$TMPD/mmap.json" "$TMPD/mmap.err" "$FILE" || fail "mmap log"

# --- mmap -p on a running process: only its calls; stops when it exits
"$WORKLOADS/mm_ticker" 100 & T=$!
on_exit "kill $T 2>/dev/null"
"$MEMMON" mmap -p $T >"$TMPD/p.txt" 2>"$TMPD/p.err" || fail "mmap -p: $(cat "$TMPD/p.err")"
assert_contains "$TMPD/p.err" "memmon mmap: traced processes exited"
n=$(grep -c "mmap(NULL, 4096, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x" "$TMPD/p.txt")
assert_ge "$n" 20 "mmap calls of the ticker"
assert_le "$n" 100 "mmap calls of the ticker"
assert_eq "$(grep -vc " $T/$T " "$TMPD/p.txt")" 0 "lines of other processes"

# --- shm: two processes, one segment id (system-wide, filtered by comm)
"$MEMMON" shm --json --comm shm_pair -d 20 >"$TMPD/shm.json" 2>"$TMPD/shm.err" & S=$!
on_exit "kill $S 2>/dev/null"
wait_attached "$TMPD/shm.err"
"$WORKLOADS/shm_pair" 2>"$TMPD/pair.err" || fail "shm_pair failed"
sleep 0.3
kill -INT $S; wait $S
read -r _ id _ parent _ child _ value <"$TMPD/pair.err"
assert_eq "$value" 42 "value passed through the segment"
json_query '
import json, sys, memmon_json
id, parent, child = map(int, sys.argv[2:5])
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
calls = [(r["pid"], r["call"], r["args"], r["error"]) for r in recs if r["type"] == "shm_syscall"]
rets = [r["ret"] for r in recs if r["type"] == "shm_syscall"]
want = [(parent, "shmget", {"key": "IPC_PRIVATE", "size": 4096, "shmflg": "IPC_CREAT|0600"}, None),
        (child, "shmat", {"shmid": id, "shmaddr": 0, "shmflg": "0"}, None),
        (child, "shmdt", {"shmaddr": rets[1]}, None),
        (parent, "shmat", {"shmid": id, "shmaddr": 0, "shmflg": "SHM_RDONLY"}, None),
        (parent, "shmdt", {"shmaddr": rets[3]}, None),
        (parent, "shmctl", {"shmid": id, "cmd": "IPC_RMID", "buf": 0}, None)]
if calls != want: sys.exit("FAIL: shm calls\n got  %r\n want %r" % (calls, want))
if rets[0] != id or rets[2] != 0 or rets[4] != 0 or rets[5] != 0: sys.exit("FAIL: results %r" % rets)
' "$TMPD/shm.json" "$id" "$parent" "$child" || fail "shm log"

# --- brk: growth charged to grow_heap (mm_sequence.c:20) through glibc's sbrk
"$MEMMON" brk --json -- "$WORKLOADS/mm_sequence" "$FILE" >"$TMPD/brk.json" 2>"$TMPD/brk.err" ||
	fail "memmon brk: $(cat "$TMPD/brk.err")"
json_query '
import json, sys, memmon_json
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
sites = [r for r in recs if r["type"] == "brk_stack" and r["final"] is True]
mine = [s for s in sites if any(f.get("symbol") == "grow_heap" for f in s["stack"])]
if sum(s["calls"] for s in mine) != 2 or sum(s["grown_bytes"] for s in mine) != 65536:
    sys.exit("FAIL: brk sites of grow_heap %r" % mine)
for s in mine:
    syms = [f.get("symbol") for f in s["stack"]]
    if "__sbrk" not in syms or "main" not in syms or syms.index("grow_heap") != syms.index("main") - 1:
        sys.exit("FAIL: stack %r" % syms)
    g = next(f for f in s["stack"] if f.get("symbol") == "grow_heap")
    if g["line"] != 20 or not g["file"].endswith("mm_sequence.c"): sys.exit("FAIL: frame %r" % g)
' "$TMPD/brk.json" || fail "brk stacks"
"$MEMMON" brk -i 0.3 -- "$WORKLOADS/mm_sequence" "$FILE" 0.8 >"$TMPD/brk.txt" 2>&1 || fail "memmon brk -i"
assert_ge "$(grep -c '^--- ' "$TMPD/brk.txt")" 3 "tables printed every 0.3 s and at the end"
assert_contains "$TMPD/brk.txt" "brk calls, break moved +65536 bytes"
grep -q "grow_heap+0x[0-9a-f]* .*mm_sequence.c:20 \[mm_sequence\]" "$TMPD/brk.txt" || fail "text stack: $(cat "$TMPD/brk.txt")"
# brk's profiles: grow_heap's 2 calls that moved the break 65536 bytes, the process as root
command -v go >/dev/null || fail "go (golang-go) is needed for go tool pprof: scripts/setup.sh"
"$MEMMON" brk --pprof "$TMPD/brk.pb.gz" --folded "$TMPD/brk.folded" -- "$WORKLOADS/mm_sequence" "$FILE" \
	>/dev/null 2>&1 || fail "memmon brk --pprof"
grep -qE '^mm_sequence;_start;(.*;)?main;grow_heap;__sbrk;(.*;)?brk(;.*)? 2$' "$TMPD/brk.folded" || fail "brk folded: $(cat "$TMPD/brk.folded")"
HOME=$TMPD GOCACHE=$TMPD/gocache go tool pprof -top -sample_index=grown -unit=B "$TMPD/brk.pb.gz" >"$TMPD/brk.top" 2>&1
assert_eq "$(awk '$6 == "grow_heap" {print $4}' "$TMPD/brk.top")" 65536B "grow_heap's bytes in brk's pprof"
"$MEMMON" mmap --pprof "$TMPD/x" -- true >/dev/null 2>"$TMPD/e"; assert_eq $? 2 "mmap --pprof"
assert_contains "$TMPD/e" "--pprof, --folded and --flamegraph need stacks"

# --- bad input: one clear line, exit 1 (runtime) or 2 (usage)
"$MEMMON" mmap -p 999999999 2>"$TMPD/e"; assert_eq $? 1 "missing pid"
assert_contains "$TMPD/e" "pid 999999999 does not exist"
"$MEMMON" watch --buffer-size 3000 2>"$TMPD/e"; assert_eq $? 2 "buffer size not a power of two"
"$MEMMON" shm -p abc 2>"$TMPD/e"; assert_eq $? 2 "malformed pid"
"$MEMMON" mmap -i 1 2>"$TMPD/e"; assert_eq $? 2 "interval on a log"
"$MEMMON" brk extra 2>"$TMPD/e"; assert_eq $? 2 "stray argument"
"$MEMMON" mmap -- /nonexistent/program 2>"$TMPD/e"; assert_eq $? 1 "program that cannot exec"
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMMON" watch -d 1 2>"$TMPD/e"
	assert_eq $? 1 "not root"
	assert_contains "$TMPD/e" "run as root"
fi
echo ok
