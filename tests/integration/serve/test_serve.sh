#!/usr/bin/env bash
# memmon serve scraped by a real Prometheus (1 s interval): the PSS of a process whose
# memory does not change equals `memmon ps`, smaps_rollup and smem within 1%, and an OOM
# kill made in a test memory cgroup shows up in memmon_oom_kills_total with the victim's
# labels. Then the server itself: bad --listen, a busy port, 404, 400, 405, the top-N bound,
# the exposition format (promtool), and the fallback without BPF.
source "$(dirname "$0")/../lib.sh"
require_bpf
CGROOT=/sys/fs/cgroup/memory
[ -d "$CGROOT" ] || skip "no cgroup v1 memory controller"
for tool in prometheus promtool curl smem go; do
	command -v $tool >/dev/null || fail "$tool is not installed (scripts/setup.sh installs it)"
done
free_port() { # a port nothing listens on (no connection accepted there), below the
	# kernel's ephemeral range (32768 up), where an outgoing connection (a scrape, curl)
	# could hold it by the time the server binds it
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		[ "$p" = "${MPORT:-}" ] && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo $p; return; }
	done
}
MPORT=$(free_port)
PPORT=$(free_port)
M=http://127.0.0.1:$MPORT

# --- bad input: clear one-line errors, usage vs runtime exit codes
serve_err() { "$MEMMON" serve "$@" -d 5 >/dev/null 2>"$TMPD/err"; }
serve_err --listen ":$MPORT"; assert_eq $? 2 "exit code for --listen :PORT"
assert_contains "$TMPD/err" "memmon serve: --listen ':$MPORT': names no address: give 127.0.0.1:$MPORT"
# a name for a non-loopback address (inet_aton's 10.1 = 10.0.0.1) is refused: only the
# address itself, as a number, opens the server to the network
serve_err --listen "10.1:$MPORT"; assert_eq $? 2 "exit code for a name of a non-loopback address"
assert_contains "$TMPD/err" "'10.1' resolves to 10.0.0.1, which is not a loopback address: to serve on the network, give the address itself (--listen 10.0.0.1:$MPORT)"
serve_err --listen nonsense; assert_eq $? 2 "exit code for --listen nonsense"
assert_contains "$TMPD/err" "memmon serve: --listen 'nonsense': not ADDR:PORT (e.g. 127.0.0.1:9433)"
serve_err --listen 127.0.0.1:70000; assert_eq $? 2 "exit code for a bad port"
assert_contains "$TMPD/err" "the port must be a number from 1 to 65535"
serve_err --listen ::1:$MPORT; assert_eq $? 2 "exit code for IPv6 without brackets"
assert_contains "$TMPD/err" "an IPv6 address goes in brackets, [::1]:$MPORT"
serve_err -p 1; assert_eq $? 2 "exit code for -p"
assert_contains "$TMPD/err" "serves every process"
serve_err --top 0; assert_eq $? 2 "exit code for --top 0"

# --- the workloads: a process of steady memory, a cgroup to OOM-kill in
source "$(dirname "$0")/../snapshot/steady.sh"
start_steady
CG=$CGROOT/memmon-serve-oom-$$
mkdir "$CG" || fail "cannot create $CG"
on_exit "for p in \$(cat $CG/cgroup.procs 2>/dev/null); do kill -9 \$p; done; sleep 0.2; rmdir $CG"
echo 32M >"$CG/memory.limit_in_bytes"
echo 0 >"$CG/memory.swappiness" 2>/dev/null || true

# --- Prometheus, scraping every second (from now: it retries until the server is up);
# it and its data go whatever happens
cat >"$TMPD/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: memmon
    static_configs:
      - targets: ['127.0.0.1:$MPORT']
YML
prometheus --config.file="$TMPD/prometheus.yml" --storage.tsdb.path="$TMPD/prometheus-data" \
	--web.listen-address="127.0.0.1:$PPORT" --log.level=warn >"$TMPD/prometheus.log" 2>&1 &
PROM=$!
on_exit "kill $PROM 2>/dev/null; wait $PROM 2>/dev/null; rm -rf $TMPD/prometheus-data"

# --- the server, every process with a series of its own
start_server() { # PORT ERRFILE ARGS...: sets SPID once it listens
	local port=$1 err=$2
	shift 2
	"$MEMMON" serve --listen "127.0.0.1:$port" "$@" >/dev/null 2>"$err" &
	SPID=$!
	on_exit "kill $SPID 2>/dev/null; wait $SPID 2>/dev/null"
	for _ in $(seq 300); do grep -q "listening" "$err" && return; sleep 0.1; done
	cat "$err"; fail "memmon serve did not start"
}
start_server "$MPORT" "$TMPD/serve.err" --top 100000
SERVER=$SPID
assert_contains "$TMPD/serve.err" "memmon serve: listening on http://127.0.0.1:$MPORT/metrics"
assert_not_contains "$TMPD/serve.err" "no BPF"

# a second server on the same port: a clear runtime error
"$MEMMON" serve --listen "127.0.0.1:$MPORT" -d 5 >/dev/null 2>"$TMPD/busy.err"
assert_eq $? 1 "exit code for a port in use"
assert_contains "$TMPD/busy.err" "memmon serve: 127.0.0.1:$MPORT: address already in use (another server listens there): choose another port with --listen"

# promql QUERY: the value of the first result, or "" when there is none
promql() {
	curl -sf "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}
wait_for() { # QUERY WHAT: waits up to 20 s for QUERY to have a value
	local v
	for _ in $(seq 200); do v=$(promql "$1"); [ -n "$v" ] && { echo "$v"; return; }; sleep 0.1; done
	cat "$TMPD/prometheus.log" >&2
	fail "Prometheus never had $2 ($1)"
}

# the OOM kill, once the server's tracer is up (it is before "listening")
{ sh -c "echo \$\$ > $CG/cgroup.procs && echo \$\$ > $TMPD/victim && exec $WORKLOADS/oom_hog 256"; } 2>/dev/null
victim=$(cat "$TMPD/victim")
[ -d "/proc/$victim" ] && fail "the hog $victim was not killed"

# two successful scrapes (up is 1 for each; a scrape slower than the 1 s timeout would be 0)
scrapes=$(wait_for 'sum_over_time(up{job="memmon"}[1m]) >= 2' "two successful scrapes")
assert_ge "$scrapes" 2 "successful scrapes"
kills=$(wait_for "memmon_oom_kills_total{comm=\"oom_hog\",memcg=\"/memmon-serve-oom-$$\"}" "the OOM kill")
assert_eq "$kills" 1 "OOM kills of oom_hog in the test cgroup"
# reclaim before the kill: the hog's charges were reclaimed for at its cgroup's limit
assert_ge "$(promql 'memmon_reclaim_stalls_total{kind="memcg"}')" 1 "memcg reclaim episodes"
assert_eq "$(promql 'memmon_serve_tracer_up{tracer="oom"}')" 1 "oom tracer up"

# the steady process's PSS: Prometheus = memmon ps = smaps_rollup = smem, within 1%
prom_pss=$(promql "memmon_process_memory_bytes{pid=\"$PARENT\",type=\"pss\"}")
[ -n "$prom_pss" ] || fail "no PSS series for pid $PARENT"
assert_eq "$(promql "count(memmon_process_memory_bytes{pid=\"$PARENT\",type=\"pss\"})")" 1 "PSS series of pid $PARENT"
ps_pss=$(( $("$MEMMON" ps -p "$PARENT" --json | jq -r 'select(.type == "ps_process") | .pss_kb') * 1024 ))
rollup_pss=$(( $(awk '$1 == "Pss:" {print $2}' "/proc/$PARENT/smaps_rollup") * 1024 ))
smem_pss=$(( $(smem -H -c "pid pss" -P "$STEADY_PATTERN" | awk -v p="$PARENT" '$1 == p {print $2}') * 1024 ))
within_1pct() { # A B WHAT
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d * 100 <= b) }' ||
		fail "$3: $1 and $2 differ by more than 1%"
}
within_1pct "$prom_pss" "$ps_pss" "PSS in Prometheus vs memmon ps"
within_1pct "$prom_pss" "$rollup_pss" "PSS in Prometheus vs smaps_rollup"
within_1pct "$prom_pss" "$smem_pss" "PSS in Prometheus vs smem"
assert_ge "$prom_pss" $(( (4096 + 1024) * 1024 )) "PSS holds the 4 MiB private block and half the 2 MiB shared one"
assert_eq "$(promql "memmon_process_memory_bytes{pid=\"$PARENT\",type=\"uss\"}" | awk '{print ($1 >= 4194304)}')" 1 "USS >= 4 MiB"
assert_eq "$(promql 'memmon_memory_MemTotal_bytes')" "$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024 ))" "MemTotal"
kill $PROM; wait $PROM 2>/dev/null

# --- the server's own answers
curl -s "$M/metrics" -D "$TMPD/headers" -o "$TMPD/metrics" || fail "GET /metrics"
assert_contains "$TMPD/headers" "Content-Type: text/plain; version=0.0.4; charset=utf-8"
# the format: promtool finds nothing but node_exporter's own CamelCase meminfo names
promtool check metrics <"$TMPD/metrics" >"$TMPD/lint" 2>&1
grep -v "^memmon_memory_[A-Za-z_]* metric names should be written in 'snake_case' not 'camelCase'$" "$TMPD/lint" >"$TMPD/lint.other"
[ -s "$TMPD/lint.other" ] && { cat "$TMPD/lint.other"; fail "promtool check metrics"; }
assert_contains "$TMPD/lint" "memmon_memory_MemAvailable_bytes metric names"
assert_eq "$(grep -c '^# TYPE ' "$TMPD/metrics")" "$(grep -c '^# HELP ' "$TMPD/metrics")" "a HELP line per TYPE line"
assert_eq "$(grep '^# TYPE ' "$TMPD/metrics" | awk '{print $3}' | sort | uniq -d | wc -l)" 0 "families declared once"
# the steady process's faults: what its /proc/PID/stat says (it faults no more once ready)
minflt=$(awk '{sub(/.*\) /, ""); print $8}' "/proc/$PARENT/stat")
majflt=$(awk '{sub(/.*\) /, ""); print $10}' "/proc/$PARENT/stat")
comm=$(cat "/proc/$PARENT/comm")
assert_contains "$TMPD/metrics" "memmon_process_page_faults_total{pid=\"$PARENT\",comm=\"$comm\",type=\"minor\"} $minflt"
assert_contains "$TMPD/metrics" "memmon_process_page_faults_total{pid=\"$PARENT\",comm=\"$comm\",type=\"major\"} $majflt"
assert_contains "$TMPD/metrics" "memmon_vmstat_oom_kill "
assert_contains "$TMPD/metrics" "# TYPE memmon_pressure_memory_waiting_seconds_total counter"
status() { curl -s -o "$TMPD/body" -w '%{http_code}' "$@"; }
assert_eq "$(status "$M/no/such/page")" 404 "unknown path"
assert_contains "$TMPD/body" "no such page: /no/such/page"
assert_eq "$(status "$M/debug/pprof/heap?pid=bad")" 400 "?pid=bad"
assert_contains "$TMPD/body" "invalid pid 'bad'"
assert_eq "$(status "$M/debug/pprof/heap")" 400 "no ?pid"
assert_eq "$(status "$M/debug/pprof/heap?pid=$PARENT&seconds=0")" 400 "?seconds=0"
assert_contains "$TMPD/body" "invalid seconds '0': a whole number from 1 to 300"
assert_eq "$(status "$M/debug/pprof/heap?pid=2147483000")" 404 "a pid that does not exist"
assert_contains "$TMPD/body" "pid 2147483000 does not exist"
assert_eq "$(status "$M/debug/pprof/heap?pid=2")" 400 "a kernel thread"
assert_contains "$TMPD/body" "pid 2 is a kernel thread: it has no heap"
assert_eq "$(status -X POST "$M/metrics")" 405 "POST"
assert_eq "$(status "$M/")" 200 "the index"
assert_contains "$TMPD/body" "/debug/pprof/heap?pid=N&seconds=S"

# --- /debug/pprof/heap: leak_three on-signal leaks 310000 bytes from three sites at SIGUSR1, sent
# once the server's leak tracer says it traces; go tool pprof reads exactly those sites
export HOME=$TMPD GOCACHE=$TMPD/gocache GOFLAGS=-mod=mod GOTOOLCHAIN=local
"$WORKLOADS/leak_three" on-signal >"$TMPD/leaker.out" &
LEAKER=$!
on_exit "kill $LEAKER 2>/dev/null"
for _ in $(seq 50); do grep -q ready "$TMPD/leaker.out" && break; sleep 0.1; done
wait_heap_tracer() { # N: waits for the server's Nth "memmon leak: tracing" line
	for _ in $(seq 600); do [ "$(grep -c "memmon leak: tracing" "$TMPD/serve.err")" -ge "$1" ] && return; sleep 0.1; done
	cat "$TMPD/serve.err"; fail "the heap profile's tracer did not start"
}
curl -s -D "$TMPD/heap.h" -o "$TMPD/heap.pb.gz" -w '%{http_code}' "$M/debug/pprof/heap?pid=$LEAKER&seconds=3" >"$TMPD/heap.code" &
CURL=$!
wait_heap_tracer 1
kill -USR1 $LEAKER
wait $CURL
assert_eq "$(cat "$TMPD/heap.code")" 200 "heap profile status"
assert_contains "$TMPD/leaker.out" "leaked 1"
assert_contains "$TMPD/heap.h" "Content-Type: application/octet-stream"
assert_contains "$TMPD/serve.err" "memmon serve: heap profile of pid $LEAKER for 3 s"
go tool pprof -top -unit=B -sample_index=inuse_space "$TMPD/heap.pb.gz" >"$TMPD/top" 2>&1 || { cat "$TMPD/top"; fail "pprof -top"; }
awk '$1 ~ /^[0-9]+B$/ && $1 != "0" {print $1, $6}' "$TMPD/top" | sort >"$TMPD/flat"
printf '10000B leak_small\n100000B leak_medium\n200000B leak_large\n' | sort >"$TMPD/want"
diff "$TMPD/want" "$TMPD/flat" || { cat "$TMPD/top"; fail "heap profile: flat bytes by function"; }
assert_contains "$TMPD/top" "Type: inuse_space"
go tool pprof -top -sample_index=inuse_objects "$TMPD/heap.pb.gz" 2>&1 | awk '$1 ~ /^[0-9]+$/ && $1 != "0" {print $1, $6}' | sort >"$TMPD/objs"
printf '10 leak_small\n2 leak_large\n5 leak_medium\n' | sort >"$TMPD/want_objs"
diff "$TMPD/want_objs" "$TMPD/objs" || fail "heap profile: objects by function"
# the server stopped while a profile runs: the profile ends early and is still answered
curl -s -o "$TMPD/heap2.pb.gz" -w '%{http_code}' "$M/debug/pprof/heap?pid=$LEAKER&seconds=120" >"$TMPD/heap2.code" &
CURL=$!
wait_heap_tracer 2
kill -USR1 $LEAKER
for _ in $(seq 50); do grep -q "leaked 2" "$TMPD/leaker.out" && break; sleep 0.1; done
kill $SERVER
wait $SERVER; assert_eq $? 0 "exit code of a server stopped during a profile"
wait $CURL
assert_eq "$(cat "$TMPD/heap2.code")" 200 "status of a profile cut short"
go tool pprof -top -unit=B -sample_index=inuse_space "$TMPD/heap2.pb.gz" 2>&1 | grep -q "Total samples = 310000B" || fail "the profile cut short has the second round's bytes"

# --- the bound on label sets: --top 3 gives 3 processes and the rest bucket
P3=$(free_port)
start_server "$P3" "$TMPD/top3.err" --top 3
curl -s "http://127.0.0.1:$P3/metrics" -o "$TMPD/top3"
kill $SPID; wait $SPID
assert_eq $? 0 "exit code after SIGTERM"
assert_contains "$TMPD/top3.err" "memmon serve: interrupted"
series() { grep "^memmon_process_memory_bytes{.*type=\"$1\"}" "$TMPD/top3"; }
assert_eq "$(series pss | wc -l)" 4 "PSS series with --top 3"
assert_eq "$(series vss | wc -l)" 4 "VSS series with --top 3"
assert_eq "$(series pss | tail -1 | cut -d' ' -f1)" 'memmon_process_memory_bytes{pid="rest",comm="rest",type="pss"}' "the rest bucket"
assert_eq "$(grep -c '^memmon_process_page_faults_total{.*type="minor"}' "$TMPD/top3")" 3 "fault series with --top 3"
procs=$(awk '$1 == "memmon_processes" {print $2}' "$TMPD/top3")
assert_eq "$(awk '$1 == "memmon_process_rest_processes" {print $2}' "$TMPD/top3")" $((procs - 3)) "processes in the rest bucket"

# --- without BPF (an ordinary user): kills from /proc/vmstat, no labels, said on stderr
make_ordinary_user
PU=$(free_port)
as_user_bg "$MEMMON" serve --listen "127.0.0.1:$PU" -d 20 >/dev/null 2>"$TMPD/user.err"
on_exit "kill $USER_PID 2>/dev/null"
for _ in $(seq 100); do grep -q "listening" "$TMPD/user.err" && break; sleep 0.1; done
assert_contains "$TMPD/user.err" "memmon serve: not root, so no BPF: OOM kills from /proc/vmstat without victim labels, no reclaim stall time"
curl -s "http://127.0.0.1:$PU/metrics" -o "$TMPD/user"
kill $USER_PID; wait $USER_PID
assert_contains "$TMPD/user" 'memmon_serve_tracer_up{tracer="oom"} 0'
assert_contains "$TMPD/user" "memmon_oom_kills_total $(awk '$1 == "oom_kill" {print $2}' /proc/vmstat)"
assert_not_contains "$TMPD/user" "memmon_reclaim_stall_seconds_total"
echo ok
