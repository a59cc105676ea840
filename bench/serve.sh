#!/usr/bin/env bash
# The cost of one /metrics scrape of `memmon serve` on a machine with ~300 processes more:
# starts PROCS sleeping processes, scrapes RUNS times one after the other and prints the
# wall time per scrape (as curl sees it) and memmon's CPU time per scrape (its utime +
# stime over the runs, from /proc/PID/stat), with the CPU model.
# usage: bench/serve.sh [BUILD_DIR] [RUNS] [PROCS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEMMON="$ROOT/${1:-build}/memmon"
RUNS=${2:-50}
PROCS=${3:-300}
[ -x "$MEMMON" ] || { echo "build $MEMMON first (make)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }
TMPD=$(mktemp -d /tmp/memmon-bench-serve.XXXXXX)
SLEEPERS=()
SERVER=
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	[ ${#SLEEPERS[@]} -gt 0 ] && kill "${SLEEPERS[@]}" 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT

for ((i = 0; i < PROCS; i++)); do sleep 600 & SLEEPERS+=($!); done
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MEMMON" serve --listen "127.0.0.1:$PORT" 2>"$TMPD/err" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$TMPD/err" && break; sleep 0.1; done
grep -q listening "$TMPD/err" || { cat "$TMPD/err" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/metrics"
curl -sf "$URL" -o "$TMPD/first" # warm: the user name cache, page cache of /proc

cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$SERVER/stat"; }
before=$(cpu_ticks)
start=$(date +%s%N)
for ((i = 0; i < RUNS; i++)); do curl -sf "$URL" -o "$TMPD/body"; done
end=$(date +%s%N)
after=$(cpu_ticks)
hz=$(getconf CLK_TCK)

procs=$(awk '$1 == "memmon_processes" {print $2}' "$TMPD/body")
series=$(grep -c '^memmon_' "$TMPD/body")
lscpu | grep 'Model name' | sed 's/^ *//'
printf 'processes read per scrape: %s (%s sleepers added), samples per scrape: %s, body %s bytes\n' \
	"$procs" "$PROCS" "$series" "$(wc -c <"$TMPD/body")"
awk -v t=$((end - start)) -v n="$RUNS" 'BEGIN {printf "wall time per scrape:       %.1f ms (%d scrapes)\n", t / n / 1e6, n}'
awk -v c=$((after - before)) -v n="$RUNS" -v hz="$hz" \
	'BEGIN {printf "memmon CPU per scrape:      %.1f ms (user + system)\n", c * 1000 / hz / n}'
awk '$1 == "memmon_scrape_duration_seconds" {printf "memmon_scrape_duration_seconds of the last: %.1f ms\n", $2 * 1000}' "$TMPD/body"
