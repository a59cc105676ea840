#!/usr/bin/env bash
# memmon trend tells a program that leaks 1 MiB every 100 ms (614400 kB/min) from one that
# holds steady, with the growth rate within 10%.
source "$(dirname "$0")/../lib.sh"
RATE=614400 # kB per minute: 1024 kB per 0.1 s

# -p on a running leaker (at most 100 steps: 10 s, far more than we sample).
"$WORKLOADS/proc_leaker" 1 100 100 2>"$TMPD/leaker.out" &
LEAKER=$!
on_exit "kill $LEAKER 2>/dev/null; wait $LEAKER 2>/dev/null"
for _ in $(seq 100); do grep -q ready "$TMPD/leaker.out" && break; sleep 0.05; done
$MEMMON trend -p "$LEAKER" -i 0.2 -d 2.5 --json --svg "$TMPD/leak.svg" >"$TMPD/leak.json" || fail "trend -p leaker"
kill "$LEAKER"
jq -e 'select(.type == "trend_summary")' "$TMPD/leak.json" >/dev/null || fail "no trend_summary record"
assert_eq "$(jq -r 'select(.type == "trend_summary") | .verdict' "$TMPD/leak.json")" grows "leaker verdict"
for key in uss_kb_per_min heap_kb_per_min anon_kb_per_min; do
	rate=$(jq -r "select(.type == \"trend_summary\") | .$key | floor" "$TMPD/leak.json")
	assert_ge "$rate" $((RATE * 9 / 10)) "$key of the leaker"
	assert_le "$rate" $((RATE * 11 / 10)) "$key of the leaker"
done
assert_ge "$(jq -r 'select(.type == "trend_summary") | .r2 * 1000 | floor' "$TMPD/leak.json")" 990 "r2 of a steady leak"
n=$(jq -r 'select(.type == "trend_summary") | .samples' "$TMPD/leak.json")
assert_ge "$n" 10 "samples in 2.5 s at 0.2 s"
assert_eq "$(jq -s '[.[] | select(.type == "trend_sample")] | length' "$TMPD/leak.json")" "$n" "one sample record per sample"
assert_eq "$(jq -rs '.[-1] | "\(.type) \(.reason)"' "$TMPD/leak.json")" "trend_summary duration elapsed" "the summary comes last"
# The fit agrees with the samples: last - first over the time between them.
python3 - "$TMPD/leak.json" <<'PY' || fail "fitted rate does not match the samples"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
s = [r for r in recs if r["type"] == "trend_sample"]
t = [r for r in recs if r["type"] == "trend_summary"][0]
raw = (s[-1]["uss_kb"] - s[0]["uss_kb"]) / (s[-1]["t"] - s[0]["t"]) * 60
sys.exit(0 if abs(raw - t["uss_kb_per_min"]) < 0.05 * raw and t["first_uss_kb"] == s[0]["uss_kb"] else 1)
PY
# The chart: three series with one point per sample, and the dashed fit.
assert_eq "$(grep -c '<polyline' "$TMPD/leak.svg")" 3 "series in the SVG"
assert_eq "$(grep -m1 '<polyline' "$TMPD/leak.svg" | grep -o '[0-9.]*,[0-9.]*' | wc -l)" "$n" "points in the USS series"
assert_contains "$TMPD/leak.svg" 'stroke-dasharray'
assert_contains "$TMPD/leak.svg" "USS grows"

# A program holding steady, watched from its "ready" (past the loader and its setup, which move USS for
# longer than the window under emulation).
"$WORKLOADS/proc_leaker" 0 100 100 2>"$TMPD/steady.ready" & STEADY=$!
on_exit "kill $STEADY 2>/dev/null"
for _ in $(seq 300); do grep -q ready "$TMPD/steady.ready" && break; sleep 0.1; done
$MEMMON trend -p $STEADY -i 0.2 -d 2 --json >"$TMPD/steady.json" || fail "trend steady"
kill $STEADY
assert_eq "$(jq -r 'select(.type == "trend_summary") | .verdict' "$TMPD/steady.json")" steady "steady verdict"
rate=$(jq -r 'select(.type == "trend_summary") | .uss_kb_per_min | fabs | floor' "$TMPD/steady.json")
assert_le "$rate" 100 "steady program's USS rate"

# -- PROGRAM leaking, text output; the program exits after 15 steps (1.5 s) and holds,
# trend stops at -d.
$MEMMON trend -i 0.2 -d 1.4 -- "$WORKLOADS/proc_leaker" 1 100 15 >"$TMPD/text" || fail "trend text"
assert_contains "$TMPD/text" "verdict: grows"
assert_contains "$TMPD/text" "(proc_leaker)"
assert_contains "$TMPD/text" "stopped: duration elapsed"

# A -p process that exits ends the sampling (it stays a zombie until we reap it).
sleep 1.1 &
SLEEPER=$!
$MEMMON trend -p "$SLEEPER" -i 0.2 -d 20 >"$TMPD/exit" || fail "trend on an exiting process"
assert_contains "$TMPD/exit" "stopped: process exited"
assert_contains "$TMPD/exit" "verdict: steady"
wait "$SLEEPER"

# -d 3 at 1 s samples at 0, 1, 2 and 3 s: 4 samples, enough for a verdict. A sleeping
# process's USS is flat: its r2 is undefined (null), not a perfect fit. The sleeper is a
# copy of sleep(1) that no other process maps: a `sleep` started meanwhile elsewhere would
# share its program's pages and take them out of its USS.
cp /bin/sleep "$TMPD/flat-sleep"
"$TMPD/flat-sleep" 30 &
FLAT=$!
on_exit "kill $FLAT 2>/dev/null"
sleep 1 # past its start-up (the loader mapping libraries), when its USS still moves
$MEMMON trend -p "$FLAT" -d 3 --json >"$TMPD/flat.json" || fail "trend -d 3"
assert_eq "$(jq -r 'select(.type == "trend_summary") | "\(.samples) \(.verdict) \(.r2)"' "$TMPD/flat.json")" \
	"4 steady null" "samples, verdict and r2 of a flat process over -d 3"
$MEMMON trend -p "$FLAT" -d 3 >"$TMPD/flat.txt" || fail "trend -d 3 text"
assert_contains "$TMPD/flat.txt" "r^2 undefined (USS constant)"

# Bad input.
$MEMMON trend 2>"$TMPD/err"; assert_eq $? 2 "no target"
$MEMMON trend -p 4194304 2>"$TMPD/err"; assert_eq $? 1 "missing pid"
assert_contains "$TMPD/err" "does not exist"
$MEMMON trend -p $$ -i 0 2>"$TMPD/err"; assert_eq $? 2 "zero interval"
$MEMMON trend -d 1 -- /nonexistent/program 2>"$TMPD/err"; assert_eq $? 1 "missing program"
assert_contains "$TMPD/err" "cannot execute"
timeout 10 $MEMMON trend -p $$ -d 30 --svg /nonexistent-memmon.$$/x.svg >/dev/null 2>"$TMPD/err"; assert_eq $? 1 "unwritable svg"
assert_contains "$TMPD/err" "cannot write /nonexistent-memmon.$$/x.svg: its directory: No such file"
echo "trend OK"
