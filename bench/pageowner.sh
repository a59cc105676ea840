#!/usr/bin/env bash
# memmon pageowner beside the kernel's page_owner_sort on a generated page_owner dump of
# RECORDS records (default 1,000,000): wall time, time ratio and peak RSS of both, measured
# in one run, for the default report and for --cull stacktrace (whose block counts must agree).
# page_owner_sort is built here from Debian's linux-source-6.1 (installed if missing).
# Then, as root with BPF, a live `memmon pages --dump` is read by both.
# usage: bench/pageowner.sh [RECORDS]     (root needed to install linux-source-6.1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEMMON=${MEMMON:-$ROOT/build/memmon}
N=${1:-1000000}
TAR=/usr/src/linux-source-6.1.tar.xz
W=$(mktemp -d /tmp/memmon-bench-pageowner.XXXXXX)
trap 'rm -rf "$W"' EXIT
[ -x "$MEMMON" ] || { echo "build memmon first (make)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
if [ ! -f "$TAR" ]; then
	echo "installing linux-source-6.1 for tools/*/page_owner_sort.c ..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.1 >/dev/null
fi
tar -C "$W" -xJf "$TAR" --wildcards '*/tools/*/page_owner_sort.c'
SRC=$(find "$W" -name page_owner_sort.c | head -1)
gcc -O2 -w -o "$W/page_owner_sort" "$SRC"

# A dump in the 5.18+ layout that page_owner_sort 6.1 parses (pid, tgid, command, ts,
# free_ts): 2000 distinct stacks of 6-12 frames, 300 tasks, orders 0-3.
python3 - "$N" "$W/dump.txt" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(42)
funcs = ["fn_%04d" % i for i in range(600)]
stacks = []
for s in range(2000):
    frames = [" post_alloc_hook+0x1a/0x80", " get_page_from_freelist+0x3c8/0x1340",
              " __alloc_pages+0x1d0/0x360"]
    frames += [" %s+0x%x/0x%x" % (rnd.choice(funcs), rnd.randrange(16, 512), 1024)
               for _ in range(rnd.randrange(3, 10))]
    stacks.append("\n".join(frames) + "\n")
tasks = [(p, p - p % 4, "task%d" % (p % 37)) for p in range(1000, 1300)]
masks = ["0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)", "0xcc0(GFP_KERNEL)",
         "0x52cc0(GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP)"]
weights = [1.0 / (i + 1) for i in range(len(stacks))]
picks = rnd.choices(range(len(stacks)), weights=weights, k=n)
out, ts = [], 1000000
with open(path, "w") as f:
    for i, s in enumerate(picks):
        pid, tgid, comm = tasks[(s * 7 + i % 3) % len(tasks)]
        order = (s % 11 == 0) + (s % 23 == 0) * 2
        ts += rnd.randrange(1, 5000)
        free_ts = ts - 500 if i % 10 == 0 else 0
        out.append("Page allocated via order %d, mask %s, pid %d, tgid %d (%s), ts %d ns, free_ts %d ns\n"
                   "PFN 0x%x type Movable Block %d type Movable Flags 0x17ffffc0000000(node=0|zone=2)\n"
                   "%s\n" % (order, masks[s % 3], pid, tgid, comm, ts, free_ts, 0x100000 + i,
                             (0x100000 + i) >> 9, stacks[s]))
        if len(out) == 10000:
            f.write("".join(out))
            out = []
    f.write("".join(out))
PY
SIZE=$(du -m "$W/dump.txt" | cut -f1)

measure() { # label cmd... -> prints "seconds peak_kb"
	/usr/bin/time -f "%e %M" -o "$W/time" "$@" >/dev/null 2>&1 || { echo "$1 failed" >&2; exit 1; }
	cat "$W/time"
}
run_pair() { # title, page_owner_sort options, memmon options
	local title=$1 pos_opts=$2 mm_opts=$3
	read -r pt pm < <(measure "$W/page_owner_sort" $pos_opts "$W/dump.txt" "$W/pos.out")
	read -r mt mm < <(measure "$MEMMON" pageowner $mm_opts "$W/dump.txt" "$W/mm.out")
	printf '%-28s %10s %10s %14s %14s %10s\n' "$title" "${pt}s" "${mt}s" "$((pm / 1024)) MB" \
		"$((mm / 1024)) MB" "$(python3 -c "print('%.1fx' % ($pt / max($mt, 0.01)))")"
}
echo "dump: $N records, $SIZE MB ($(grep -c '^Page allocated' "$W/dump.txt") records)"
printf '%-28s %10s %10s %14s %14s %10s\n' "report" "pos time" "memmon" "pos peak RSS" "memmon RSS" "speedup"
run_pair "default (fold text)" "" ""
run_pair "--cull stacktrace" "--cull st" "--cull st"
# Both must find the same blocks with the same counts under --cull stacktrace.
grep -E '^[0-9]+ times, [0-9]+ pages' "$W/pos.out" | sed 's/:$//' | sort >"$W/pos.counts"
grep -E '^[0-9]+ times, [0-9]+ pages' "$W/mm.out" | sed 's/:$//' | sort >"$W/mm.counts"
if cmp -s "$W/pos.counts" "$W/mm.counts"; then
	echo "--cull stacktrace: both report the same $(wc -l <"$W/mm.counts") blocks with the same counts"
else
	echo "--cull stacktrace: block counts DIFFER" >&2
	diff "$W/pos.counts" "$W/mm.counts" | head >&2
	exit 1
fi
# A live dump of `memmon pages` is page_owner text that page_owner_sort reads too: both must
# fold it into the same blocks (needs root and BPF; left out otherwise).
if [ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
	"$MEMMON" pages -d 2 --dump "$W/live.txt" >/dev/null 2>&1
	"$W/page_owner_sort" --cull st,pid "$W/live.txt" "$W/live.pos" >/dev/null 2>&1
	"$MEMMON" pageowner --cull st,pid "$W/live.txt" >"$W/live.mm" 2>/dev/null
	grep -E '^[0-9]+ times' "$W/live.pos" | sed 's/:$//' | sort >"$W/live.pos.counts"
	grep -E '^[0-9]+ times' "$W/live.mm" | sed 's/:$//' | sort >"$W/live.mm.counts"
	if cmp -s "$W/live.pos.counts" "$W/live.mm.counts"; then
		echo "memmon pages dump ($(grep -c '^Page allocated' "$W/live.txt") records): page_owner_sort and memmon pageowner agree on $(wc -l <"$W/live.mm.counts") blocks"
	else
		echo "memmon pages dump: page_owner_sort and memmon pageowner DIFFER" >&2
		exit 1
	fi
fi
