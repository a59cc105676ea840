#!/usr/bin/env bash
# memmon heap on real allocation-heavy Debian programs, side by side in one run:
# python3 building a dict of 300,000 entries with PYTHONMALLOC=malloc (every object a
# malloc, as heaptrack's users run Python), and perl building a hash of 300,000 entries.
# For each: the CPU seconds of everything the tool ran (the program, memmon or
# heaptrack_interpret, user + system, from /usr/bin/time), untraced, under heaptrack, under
# memmon heap exact and sampled (--sample-bytes 524288), as ratios to untraced, and the
# allocations each tool counted (heaptrack_print's "calls to allocation functions").
# usage: bench/heap_real.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
make -s build/memmon build/libmemmon_heap.so
command -v heaptrack >/dev/null || { echo "heaptrack is not installed (scripts/setup.sh)"; exit 1; }
T=$(mktemp -d /tmp/memmon-bench-heapreal.XXXXXX)
trap 'rm -rf "$T"' EXIT
export PYTHONMALLOC=malloc # in the environment: heaptrack traces the program it starts, not what that execs
PY=(/usr/bin/python3 -c 'd = {}
for i in range(300000): d[str(i)] = [i]
print(len(d))')
PERL=(/usr/bin/perl -e 'my %h; $h{"k$_"} = [$_] for 1 .. 300000; print scalar(keys %h), "\n"')
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu() { # cpu OUTFILE CMD...: CPU seconds of CMD and its children
	/usr/bin/time -f '%U %S' -o "$T/time" "${@:2}" >"$1" 2>&1 || true
	awk '{print $1 + $2}' "$T/time"
}
run_one() { # NAME CMD...
	local name=$1; shift
	local u=() h=() e=() s=()
	for r in $(seq "$ROUNDS"); do
		u+=("$(cpu "$T/u.out" "$@")")
		h+=("$(cd "$T" && cpu "$T/h.out" heaptrack -o "$T/ht.$name.$r" "$@")")
		e+=("$(cpu "$T/e.out" build/memmon heap --json -o "$T/e.$name.json" -- "$@")")
		s+=("$(cpu "$T/s.out" build/memmon heap --json --sample-bytes 524288 -o "$T/s.$name.json" -- "$@")")
	done
	local U H E S
	U=$(printf '%s\n' "${u[@]}" | median); H=$(printf '%s\n' "${h[@]}" | median)
	E=$(printf '%s\n' "${e[@]}" | median); S=$(printf '%s\n' "${s[@]}" | median)
	local ht_allocs mm_allocs
	ht_allocs=$(heaptrack_print "$(ls "$T"/ht.$name.1* | head -1)" 2>/dev/null | sed -n 's/^calls to allocation functions: \([0-9]*\).*/\1/p')
	mm_allocs=$(jq -r 'select(.type=="heap_summary") | .allocations' "$T/e.$name.json")
	printf '  %-8s untraced %6.2f s; heaptrack %6.2f s (%5.1fx); memmon heap exact %6.2f s (%5.1fx, %.2f of heaptrack); sampled %6.2f s (%5.2fx)\n' \
		"$name" "$U" "$H" "$(awk -v a="$H" -v b="$U" 'BEGIN{print a/b}')" "$E" \
		"$(awk -v a="$E" -v b="$U" 'BEGIN{print a/b}')" "$(awk -v a="$E" -v b="$H" 'BEGIN{print a/b}')" \
		"$S" "$(awk -v a="$S" -v b="$U" 'BEGIN{print a/b}')"
	printf '  %-8s allocations counted: heaptrack %s, memmon heap %s\n' "" "$ht_allocs" "$mm_allocs"
}
startup() { # CMD...: memmon heap's fixed cost, on the program doing nothing
	local a b
	a=$(cpu "$T/n.out" "$@"); b=$(cpu "$T/n.out" build/memmon heap --json -o "$T/n.json" -- "$@")
	awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b - a}'
}
lscpu | grep 'Model name' | sed 's/  */ /g'
echo "memmon heap's start-up (unwind tables, symbols), CPU seconds: python3 $(startup /usr/bin/python3 -c pass), perl $(startup /usr/bin/perl -e 1)"
echo "CPU seconds (user + system, the tool's processes included), median of $ROUNDS rounds:"
run_one python3 "${PY[@]}"
run_one perl "${PERL[@]}"
