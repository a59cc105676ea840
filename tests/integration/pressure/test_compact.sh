#!/usr/bin/env bash
# memmon compact: writing 1 to /proc/sys/vm/compact_memory makes the writing task compact
# every populated zone once (compact_node); the report must show exactly that many runs for
# that process, as stalls of a user task, and its page migrations with reason "compaction".
source "$(dirname "$0")/../lib.sh"
require_bpf
[ -w /proc/sys/vm/compact_memory ] || skip "no /proc/sys/vm/compact_memory (CONFIG_COMPACTION off)"

"$MEMMON" compact --bogus >/dev/null 2>&1; assert_eq $? 2 "exit code for an unknown option"
"$MEMMON" compact -d 0 >/dev/null 2>&1; assert_eq $? 2 "exit code for a zero duration"

# populated zones: present pages > 0, over all nodes
zones=$(awk '/^Node/ {z = $4} $1 == "present" && $2 > 0 {n++} END {print n}' /proc/zoneinfo)
assert_ge "$zones" 1 "populated zones"

limited "$MEMMON" compact --json -- sh -c "echo \$\$ > $TMPD/pid; echo 1 > /proc/sys/vm/compact_memory" >"$TMPD/out.json" 2>"$TMPD/err"
assert_eq $? 0 "exit code"
pid=$(cat "$TMPD/pid")
assert_eq "$(jq -s "[.[] | select(.type == \"compact_run\" and .final and .pid == $pid) | .count] | add" "$TMPD/out.json")" "$zones" "compaction runs (one per populated zone)"
assert_eq "$(jq -s '[.[] | select(.type == "compact_run" and .final and .pid != '$pid')] | length' "$TMPD/out.json")" 0 "rows of other processes"
assert_eq "$(jq -s '[.[] | select(.type == "compact_run" and .final and (.kthread or .comm != "sh"))] | length' "$TMPD/out.json")" 0 "runs not by the sh task"
assert_eq "$(jq -s '[.[] | select(.type == "compact_run" and .final and (.result | test("^[a-z_]+$") | not))] | length' "$TMPD/out.json")" 0 "results named from the kernel's enum"
assert_eq "$(jq -s '[.[] | select(.type == "compact_run" and .final) | .total_ms >= .max_ms] | all' "$TMPD/out.json")" true "total >= max"
assert_eq "$(jq -s '[.[] | select(.type == "compact_migration" and .final and .reason != "compaction")] | length' "$TMPD/out.json")" 0 "migrations not for compaction"
assert_eq "$(jq -s '[.[] | select(.type == "compact_summary")] | length' "$TMPD/out.json")" 1 "one summary"
assert_eq "$(tail -1 "$TMPD/out.json" | jq -r .type)" compact_summary "the summary ends the run"

limited "$MEMMON" compact -- sh -c "echo 1 > /proc/sys/vm/compact_memory" >"$TMPD/out.txt" 2>/dev/null
assert_contains "$TMPD/out.txt" "TYPE           PID      COMM             WHO     RESULT/REASON         COUNT    TOTALms     MAXms  SUCCEEDED   FAILED"
grep -qE '^compaction +[0-9]+ +sh +task ' "$TMPD/out.txt" || { cat "$TMPD/out.txt"; fail "compaction row"; }
echo ok
