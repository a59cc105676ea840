#!/usr/bin/env bash
# One meaning per option across commands (issue 16, item 7): `-i 0` is "only the final
# report" wherever reports repeat (kmem and the other pressure commands as leak), `sys -i 0`
# is its single screen, trend refuses it (samples need a gap); pmap takes `pmap PID` as
# pmap(1) does, and a missing pid among several is said and skipped, the others shown.
source "$(dirname "$0")/../lib.sh"
require_bpf

# kmem: -i 0 prints no interval, only the totals; without -i one report per second. The
# allocations counted are a launched program's own (pipes and sockets made by kmem_churn).
"$MEMMON" kmem -i 0 --json -- "$WORKLOADS/kmem_churn" 20000 >"$TMPD/k0" 2>"$TMPD/err" ||
	fail "kmem -i 0: $(cat "$TMPD/err")"
assert_eq "$(grep -c '"type":"kmem_interval"' "$TMPD/k0")" 0 "kmem_interval records with -i 0"
assert_eq "$(grep -c '"type":"kmem_summary"' "$TMPD/k0")" 1 "kmem_summary records with -i 0"
assert_ge "$(grep -c '"final":true' "$TMPD/k0")" 1 "final rows with -i 0"
assert_eq "$(grep -c '"final":false' "$TMPD/k0")" 0 "interval rows with -i 0"
"$MEMMON" kmem --json -- sh -c "$WORKLOADS/kmem_churn 20000 >/dev/null; sleep 1.5" >"$TMPD/k1" 2>/dev/null ||
	fail "kmem without -i"
assert_ge "$(grep -c '"type":"kmem_interval"' "$TMPD/k1")" 1 "kmem_interval records by default"

# sys: -i 0 is the one screen of a plain `memmon sys`; -d still needs a real -i.
"$MEMMON" sys -i 0 --json >"$TMPD/s0" || fail "sys -i 0"
assert_eq "$(grep -c '"type":"sys_memory"' "$TMPD/s0")" 1 "sys_memory with -i 0"
assert_eq "$(grep -c '"type":"sys_interval"' "$TMPD/s0")" 0 "sys_interval with -i 0"
"$MEMMON" sys -i 0 -d 2 2>"$TMPD/e"; assert_eq $? 2 "sys -i 0 -d 2"
assert_contains "$TMPD/e" "-d needs -i"

# trend: a sample interval of 0 is refused, saying what is allowed.
"$MEMMON" trend -i 0 -p $$ -d 1 2>"$TMPD/e"; assert_eq $? 2 "trend -i 0"
assert_contains "$TMPD/e" "invalid --interval '0' (seconds, 0.01 or more)"
"$MEMMON" leak -i -5 -- true 2>"$TMPD/e"; assert_eq $? 2 "leak -i -5"
assert_contains "$TMPD/e" "(seconds, 0.01 or more; 0 = only at the end)"
"$MEMMON" leak --top 200000 -- true 2>"$TMPD/e"; assert_eq $? 2 "leak --top 200000"
assert_contains "$TMPD/e" "invalid --top '200000' (a whole number from 1 to 100000)"

# pmap: a pid that does not exist is named and skipped; the good one is still shown.
sleep 30 &
GOOD=$!
on_exit "kill $GOOD 2>/dev/null"
"$MEMMON" pmap -p 999999 -p $GOOD >"$TMPD/p" 2>"$TMPD/e"; assert_eq $? 1 "pmap with one pid missing"
assert_contains "$TMPD/e" "memmon pmap: pid 999999 does not exist"
assert_contains "$TMPD/p" "/usr/bin/sleep"
assert_contains "$TMPD/p" "total"
# `pmap PID` as pmap(1) is called, and mixed with -p; JSON says who was skipped and why.
"$MEMMON" pmap $GOOD >"$TMPD/p1" || fail "pmap PID"
# (the same mappings; PSS moves as other processes map the same libraries)
diff <(grep -v total "$TMPD/p" | awk '{print $1, $2, $NF}') <(grep -v total "$TMPD/p1" | awk '{print $1, $2, $NF}') >/dev/null ||
	fail "pmap PID lists other mappings than pmap -p PID"
"$MEMMON" pmap --json $GOOD -p 999999 >"$TMPD/pj" 2>/dev/null; assert_eq $? 1 "pmap --json PID -p missing"
assert_eq "$(jq -c 'select(.type=="pmap_summary") | [.processes, .skipped]' "$TMPD/pj")" \
	'[1,[{"pid":999999,"reason":"does not exist"}]]' "pmap_summary"
"$MEMMON" pmap abc 2>"$TMPD/e"; assert_eq $? 2 "pmap abc"
assert_contains "$TMPD/e" "invalid pid 'abc'"
"$MEMMON" pmap 2>"$TMPD/e"; assert_eq $? 2 "pmap without a pid"
echo ok
