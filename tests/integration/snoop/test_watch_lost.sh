#!/usr/bin/env bash
# A ring buffer too small for a fault storm (the reader is stopped while it runs): events
# are lost, and the loss is counted and reported, never silent: every one of the 16384 first-touch faults of a 64 MiB mapping is
# either logged or counted as lost. The default buffer keeps up with the same storm.
source "$(dirname "$0")/../lib.sh"
require_bpf
MAP=/sys/fs/bpf/memmon-test-watchlost-$$/watch_pids
on_exit "rm -rf /sys/fs/bpf/memmon-test-watchlost-$$"
check() { # $1: log, $2: expect loss (1) or none (0)
	json_query '
import json, sys, memmon_json
recs = [memmon_json.loads(l) for l in open(sys.argv[1])]
storm = [r for r in recs if r["type"] == "watch_fault" and r.get("vm_end", 0) - r.get("vm_start", 0) == 64 << 20]
end, lost = recs[-1], [r for r in recs if r["type"] == "watch_lost"]
if end["type"] != "watch_summary" or not lost or lost[-1] != {"type": "watch_lost", "events": end["lost_events"], "final": True}:
    sys.exit("FAIL: lost/end records %r %r" % (lost[-1:], end))
if len(storm) > 16384 or any(r["class"] != "ANON" or r["access"] != "W" for r in storm): sys.exit("FAIL: storm faults")
if len(storm) + end["lost_events"] < 16384: sys.exit("FAIL: %d logged + %d lost < 16384" % (len(storm), end["lost_events"]))
if sys.argv[2] == "1" and not (end["lost_events"] > 0 and len(storm) < 16384): sys.exit("FAIL: expected a loss, lost %d" % end["lost_events"])
if sys.argv[2] == "0" and (end["lost_events"] != 0 or len(storm) != 16384): sys.exit("FAIL: lost %d, logged %d" % (end["lost_events"], len(storm)))
' "$1" "$2"
}
# memmon is stopped (SIGSTOP) while the storm runs, so the 16 KiB buffer must overflow.
"$MEMMON" watch --json --no-symbols --buffer-size 16k --map "$MAP" -- "$WORKLOADS/fault_storm" 64M 1 \
	>"$TMPD/small.json" 2>"$TMPD/small.err" & W=$!
on_exit "kill -CONT $W 2>/dev/null; kill $W 2>/dev/null"
for _ in $(seq 100); do grep -q ready "$TMPD/small.err" && break; sleep 0.05; done
kill -STOP $W
for _ in $(seq 200); do grep -q pages "$TMPD/small.err" && break; sleep 0.05; done
kill -CONT $W
wait $W || fail "watch: $(cat "$TMPD/small.err")"
check "$TMPD/small.json" 1 || fail "16k buffer"
"$MEMMON" watch --no-symbols --buffer-size 16k --map "$MAP" -- "$WORKLOADS/fault_storm" 64M 1 \
	>/dev/null 2>"$TMPD/text.err" & W=$!
for _ in $(seq 100); do grep -q ready "$TMPD/text.err" && break; sleep 0.05; done
kill -STOP $W
for _ in $(seq 200); do grep -q pages "$TMPD/text.err" && break; sleep 0.05; done
kill -CONT $W
wait $W || fail "watch (text)"
"$MEMMON" watch --json --no-symbols --map "$MAP" -- "$WORKLOADS/fault_storm" 64M \
	>"$TMPD/default.json" 2>"$TMPD/default.err" || fail "watch: $(cat "$TMPD/default.err")"
check "$TMPD/default.json" 0 || fail "default buffer"
echo ok
