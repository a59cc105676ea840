#!/usr/bin/env bash
# memmon guard's overhead on an allocation-heavy program (bench/guard_alloc_heavy.c: 1.6M
# malloc/free pairs of 16-256 bytes with a little work each), measured side by side in one
# run: the plain program, the program under `memmon guard` at the default rate, and at
# --sample-rate 1000 for scale. Runs are interleaved in a random order; each figure is CPU time (user+sys of
# the program and memmon together, from getrusage: on a shared machine wall time mostly
# measures the neighbours), median and minimum of REPS runs.
# Usage: bench/guard.sh [BUILD] [REPS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
REPS=${2:-15}
MEMMON="$ROOT/$BUILD/memmon"
TMP=$(mktemp -d /tmp/memmon-bench-guard.$$.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
gcc -O2 -g "$ROOT/bench/guard_alloc_heavy.c" -o "$TMP/alloc_heavy"
python3 - "$MEMMON" "$TMP/alloc_heavy" "$REPS" <<'PY'
import random, re, resource, statistics, subprocess, sys
memmon, prog, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
configs = [("plain program", [prog, "4"]),
           ("memmon guard (default rate)", [memmon, "guard", "--", prog, "4"]),
           ("memmon guard --sample-rate 1000", [memmon, "guard", "--sample-rate", "1000", "--", prog, "4"])]
times = {name: [] for name, _ in configs}
guarded = {}
for _ in range(reps):
    for name, cmd in random.sample(configs, len(configs)):  # no fixed order effects
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True).stdout
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        m = re.search(r"(\d+) allocations? guarded", out)
        if m:
            guarded[name] = m.group(1)
def cpu_ms(cmd, n=20):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(n):
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / n * 1000
fixed = cpu_ms([memmon, "guard", "--", "/bin/true"]) - cpu_ms(["/bin/true"])
base_med = statistics.median(times["plain program"])
base_min = min(times["plain program"])
for name, _ in configs:
    med, mn = statistics.median(times[name]), min(times[name])
    extra = f"   ({guarded[name]} of 1600000 allocations guarded)" if name in guarded else ""
    print(f"{name:33s} median {med:.3f} s (ratio {med / base_med:.3f})  min {mn:.3f} s (ratio {mn / base_min:.3f}){extra}")
print(f"fixed cost of memmon guard (launch, preload, report collection): {fixed:.1f} ms CPU per run")
PY
