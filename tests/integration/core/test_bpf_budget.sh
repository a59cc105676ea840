#!/usr/bin/env bash
# Every BPF program memmon loads stays well inside the verifier's budget of a million
# instructions, as configured by real runs (rodata set, programs chosen). A kernel update
# once made the verifier of this machine's kind do five times the work on the unwinder
# (leak and faults then failed to load at all): the margin kept here, half the budget, is
# what stands between such a change and a command that cannot start. MEMMON_BPF_STATS=1
# makes memmon print the verifier's statistics of each program it loaded.
source "$(dirname "$0")/../lib.sh"
require_bpf
cd "$TMPD"
BUDGET=500000
W="$WORKLOADS"

run_stats() { # NAME ARGS...: one memmon run, its verifier lines into stats.txt
	local name=$1
	shift
	MEMMON_BPF_STATS=1 limited "$MEMMON" "$@" >"$name.out" 2>"$name.err" ||
		fail "$name: memmon $* exited $?: $(tail -3 "$name.err")"
	grep ': verifier: ' "$name.err" >>stats.txt || fail "$name: no verifier statistics printed"
}
run_stats leak leak -- "$W/leak_fixed"
run_stats leak_kernel leak --kernel -d 1
run_stats faults faults -- "$W/fault_touch" anon 10
run_stats watch watch -- true
run_stats segv segv -- true
run_stats kmem kmem -d 1
run_stats oom oom -d 1
run_stats reclaim reclaim -d 1
run_stats compact compact -d 1
run_stats pages pages -d 1

# "memmon CMD: verifier: PROGRAM processed N insns (limit ...) ..."
json_query '
import re, sys
budget = int(sys.argv[2])
seen = {}
for line in open(sys.argv[1]):
    m = re.match(r"memmon (\S+): verifier: (\S+) processed (\d+) insns", line)
    assert m, line
    key = m.group(1) + " " + m.group(2)
    seen[key] = max(seen.get(key, 0), int(m.group(3)))
for key, n in sorted(seen.items(), key=lambda kv: -kv[1]):
    print("%-40s %8d" % (key, n))
# the programs with the most work: the unwinder (leak, faults), file paths (watch, leak
# following an exec), the signal probe (segv)
for key in ("leak alloc_enter", "leak alloc_return", "leak memmon_filter_exec",
            "leak memmon_follow_sys_exit", "faults on_minor_fault", "watch snoop_fault_user",
            "watch snoop_exec", "segv on_signal", "leak on_kmalloc"):
    assert key in seen, ("no statistics for", key, sorted(seen))
over = {k: n for k, n in seen.items() if n > budget}
assert not over, ("over half the verifier budget", over)
' stats.txt $BUDGET || fail "verifier budget"
