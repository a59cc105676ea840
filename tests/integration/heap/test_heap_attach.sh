#!/usr/bin/env bash
# memmon heap -p PID (a running process, exact, by memmon leak's uprobes) on heap_shape built
# -O2 without frame pointers, started before memmon and let go once it traces: the same
# report as preload mode (test_heap_o2.sh): hold_peak's 4 MiB at the peak, churn's 50000
# temporary allocations, leak_some's 100 leaked blocks, each with its stack down to main at
# the right lines and to _start, in JSON and text; the same summary; --pprof as well.
# heap_threads (4 threads of pairs): exact totals, nothing lost. --sample-bytes on
# heap_sizes: the sites that allocated 256 MiB estimated within 10%. heap_fork: a forked
# child and an exec'd image are processes of their own, as in preload mode.
source "$(dirname "$0")/../lib.sh"
require_bpf
W=$WORKLOADS/o2
source "$(dirname "$0")/heap_shape_expect.sh"

# WORKLOAD (heap_shape by default) waiting for SIGUSR1; memmon heap -p on it; the signal
# once memmon traces.
WORKLOAD=("$W/heap_shape" 50000 100 wait)
attach() { # OUT ERR [memmon options...]
	local out=$1 err=$2
	shift 2
	: >"$TMPD/ready"
	"${WORKLOAD[@]}" >"$TMPD/ready" &
	local pid=$!
	on_exit "kill $pid 2>/dev/null"
	for _ in $(seq 100); do grep -q ready "$TMPD/ready" && break; sleep 0.05; done
	: >"$err" # wait_tracing reads it at once
	"$MEMMON" heap "$@" -p "$pid" >"$out" 2>"$err" &
	local m=$!
	wait_tracing "$err" $m
	kill -USR1 $pid
	wait $m || fail "heap -p exited $?: $(cat "$err")"
	APID=$pid
}

attach "$TMPD/json" "$TMPD/err" --json --top 0 --pprof "$TMPD/p.pb.gz"
assert_heap_shape_json "$TMPD/json"
assert_eq "$(jq -r 'select(.type=="heap_summary") | .reason' "$TMPD/json")" "traced processes exited" "summary's reason"
assert_eq "$(jq -r 'select(.type=="heap_process") | "\(.pid) \(.started_by) \(.unknown_frees)"' "$TMPD/json")" "$APID attach 0" "heap_process"
assert_contains "$TMPD/err" "memmon heap: tracing pids in "
# the profile has the leak site's in-use bytes
command -v go >/dev/null || fail "go (golang-go) is needed for go tool pprof: scripts/setup.sh"
export HOME=$TMPD GOCACHE=$TMPD/gocache GOFLAGS=-mod=mod GOTOOLCHAIN=local
go tool pprof -top -unit=B -sample_index=inuse_space "$TMPD/p.pb.gz" >"$TMPD/top" 2>&1 || { cat "$TMPD/top"; fail "pprof"; }
assert_eq "$(awk '$1 ~ /^[0-9]+B$/ && $1 != "0" {print $1, $6}' "$TMPD/top")" "4800B leak_some" "pprof inuse_space"

# the same in text
attach "$TMPD/text" "$TMPD/terr"
assert_heap_shape_text "$TMPD/text" ", pid $APID"
assert_contains "$TMPD/text" "pid $APID (attached): peak 4194304 bytes at "

# 4 threads x 50000 malloc/free pairs at once: exact totals, every pair temporary (the
# thread's latest allocation), nothing lost; glibc's 4 thread TLS blocks stay
WORKLOAD=("$W/heap_threads" 4 50000 wait)
attach "$TMPD/mt" "$TMPD/mterr" --json
assert_eq "$(jq -r 'select(.type=="heap_stack") | select(.frames[0].symbol=="worker")
	| "\(.allocations) \(.temporary) \(.leaked_count) \(.frames[0].line) \(.stack_end)"' "$TMPD/mt")" \
	"200000 200000 0 $(grep -n "/\* PAIR_LINE \*/" "$MEMMON_ROOT/tests/workloads/o2/heap_threads.c" | cut -d: -f1) complete" "the pairs' row"
assert_eq "$(jq -r 'select(.type=="heap_summary") | "\(.allocations) \(.temporary) \(.lost_events) \(.leaked_count)"' "$TMPD/mt")" \
	"200004 200000 0 4" "threads summary"

# -d and -i on a process that does nothing meanwhile: the heap over time counts from when
# tracing began (not from before the probes went in), the run ends at the duration
"$W/heap_shape" 50000 100 wait >/dev/null &
idle=$!
on_exit "kill $idle 2>/dev/null"
"$MEMMON" heap --json -d 1 -i 0.3 -p $idle >"$TMPD/iv" 2>"$TMPD/iverr" || fail "heap -p -d -i: $(cat "$TMPD/iverr")"
assert_eq "$(jq -r 'select(.type=="heap_interval") | .seconds < 0.5' "$TMPD/iv" | head -1)" "true" "first interval's time"
assert_ge "$(jq -r 'select(.type=="heap_interval") | .interval' "$TMPD/iv" | wc -l)" 3 "intervals"
assert_eq "$(jq -r 'select(.type=="heap_summary") | "\(.reason) \(.allocations) \(.seconds < 1.5)"' "$TMPD/iv")" "duration elapsed 0 true" "-d summary"
kill $idle

# --sample-bytes 64k by the probes: heap_sizes allocates 16 MiB in 64-byte blocks, 256 MiB
# in 4 KiB blocks, 256 MiB in 1 MiB blocks, 8 MiB in 100-byte ones, each freed at once.
# The 256 MiB sites within 10% (page_blocks: ~4000 samples, 1.6% standard error; every
# 1 MiB block is sampled but for a chance of e^-16), every sampled block temporary.
WORKLOAD=("$W/heap_sizes" 16 256 256 8 wait)
attach "$TMPD/sp" "$TMPD/sperr" --json --top 0 --sample-bytes 64k
python3 - "$TMPD/sp" <<'PY' || fail "sampled -p estimates"
import json, sys
exact = {"page_blocks": (256 << 20, 65536), "big_blocks": (256 << 20, 256)}
rows, summary = {}, None
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "heap_summary":
        summary = o
    elif o["type"] == "heap_stack":
        rows[o["frames"][0].get("symbol")] = o
if not summary or summary["sample_bytes"] != 65536 or summary["lost_events"] != 0:
    sys.exit("summary: %s" % summary)
for fn, (total, count) in exact.items():
    o = rows.get(fn) or sys.exit("no row for %s in %s" % (fn, list(rows)))
    for key, want in (("allocated_bytes", total), ("allocations", count)):
        if not 0.9 <= o[key] / want <= 1.1:
            sys.exit("%s: %s %d is %.3f of %d" % (fn, key, o[key], o[key] / want, want))
for fn in ("small_blocks", "page_blocks", "big_blocks", "few_blocks"):
    o = rows.get(fn) or sys.exit("no row for " + fn)
    if o["temporary"] != o["allocations"] or o["leaked_count"] != 0:
        sys.exit("%s: %s" % (fn, o))
PY

# fork and exec followed: heap_fork (attached while it waits) leaks 5 blocks, forks a child
# that leaks 7, then execs heap_shape 10 3 (10 temporary, 3 leaked; printing "ready" leaks the
# stdout buffer), which waits again
# (memmon reads its maps and builds its tables meanwhile: a program this short would be
# gone before its exec is heard of); the image exec replaced leaks nothing.
"$W/heap_fork" wait "$W/heap_shape" 10 3 wait >"$TMPD/ready" &
APID=$!
on_exit "kill $APID 2>/dev/null"
for _ in $(seq 100); do grep -q ready "$TMPD/ready" && break; sleep 0.05; done
: >"$TMPD/fkerr"
"$MEMMON" heap --json --top 0 -p $APID >"$TMPD/fk" 2>"$TMPD/fkerr" &
m=$!
wait_tracing "$TMPD/fkerr" $m
kill -USR1 $APID
for _ in $(seq 100); do [ "$(grep -c ready "$TMPD/ready")" = 2 ] && break; sleep 0.05; done
sleep 1 # the exec heard of (memmon polls every 100 ms), its maps read with its libraries
kill -USR1 $APID
wait $m || fail "heap -p (fork, exec) exited $?: $(cat "$TMPD/fkerr")"
assert_eq "$(jq -r 'select(.type=="heap_process") | "\(.started_by) \(.replaced_by_exec) \(.allocations) \(.leaked_count)"' "$TMPD/fk")" \
	"attach true 6 0
fork false 7 7
exec false 78 4" "processes followed"
# by first frame: a site of the exec'd image may be two stacks (before and after its tables)
assert_eq "$(jq -rs '[.[] | select(.type=="heap_stack")] | group_by(.frames[0].symbol) | .[]
	| "\(.[0].frames[0].symbol) \(map(.allocations) | add) \(map(.leaked_count) | add)"' "$TMPD/fk")" \
	"_IO_file_doallocate 1 1
child_leaks 7 7
churn 10 0
hold_peak 64 0
leak_some 3 3
main 1 0
parent_leaks 5 0" "rows followed"
assert_eq "$(jq -r 'select(.type=="heap_stack" and .frames[0].symbol=="child_leaks") | .pid' "$TMPD/fk")" \
	"$(jq -r 'select(.type=="heap_process" and .started_by=="fork") | .pid' "$TMPD/fk")" "the child's row, its pid"
assert_eq "$(jq -r 'select(.type=="heap_process" and .started_by=="fork") | .ppid' "$TMPD/fk")" "$APID" "the child's parent"
assert_eq "$(jq -r 'select(.type=="heap_process" and .started_by=="exec") | .pid' "$TMPD/fk")" "$APID" "exec keeps the pid"

# usage: -p with a program, with --seed; a pid that does not exist
"$MEMMON" heap -p 1 -- true >/dev/null 2>"$TMPD/e"
assert_eq $? 2 "-p with a program"
assert_contains "$TMPD/e" "give either -p PID or -- PROGRAM, not both"
"$MEMMON" heap -p 1 --sample-bytes 512k --seed 3 >/dev/null 2>"$TMPD/e"
assert_eq $? 2 "-p with --seed"
assert_contains "$TMPD/e" "--seed applies to a launched program"
"$MEMMON" heap >/dev/null 2>"$TMPD/e"
assert_eq $? 2 "no target"
assert_contains "$TMPD/e" "nothing to trace: give -p PID or -- PROGRAM"
true & dead=$!; wait $dead # a pid that was and is gone
"$MEMMON" heap -p $dead >/dev/null 2>"$TMPD/e"
assert_eq $? 1 "a pid that is gone"
assert_contains "$TMPD/e" "memmon heap: pid $dead does not exist"
echo ok
