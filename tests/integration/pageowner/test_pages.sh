#!/usr/bin/env bash
# memmon pages: a workload allocates a known number of pages through two known kernel paths
# (pipe buffers, page cache) and holds them; the report must show exactly those pages under
# those paths, for the workload's pid, and the page_owner dump must say the same.
source "$(dirname "$0")/../lib.sh"
require_bpf
PIPE_PAGES=96
FILE_PAGES=40
W=$WORKLOADS/page_hold

"$W" pipe $PIPE_PAGES "$TMPD/pipe.done" & wp=$!
on_exit "kill $wp 2>/dev/null"
"$W" file $FILE_PAGES "$TMPD/file.done" "$TMPD/pages-test-data.$$" & wf=$!
on_exit "kill $wf 2>/dev/null"

# Bad input first: a pid that does not exist is a one-line error, exit 1.
"$MEMMON" pages -p 999999999 >"$TMPD/bad.out" 2>"$TMPD/bad.err"; rc=$?
assert_eq "$rc" 1 "exit code for a missing pid"
assert_contains "$TMPD/bad.err" "pid 999999999 does not exist"
"$MEMMON" pages --max-pages 0 >/dev/null 2>"$TMPD/bad2.err"; assert_eq $? 2 "bad --max-pages"
# Without root: a one-line error, exit 1.
if command -v setpriv >/dev/null; then
	(cd / && setpriv --reuid 65534 --regid 65534 --clear-groups "$MEMMON" pages -d 1) \
		>/dev/null 2>"$TMPD/noroot.err"
	assert_eq $? 1 "exit code without root"
	assert_eq "$(cat "$TMPD/noroot.err")" "memmon pages: needs CAP_BPF and CAP_PERFMON: run as root" "no-root message"
fi

"$MEMMON" pages -p $wp -p $wf --json --dump "$TMPD/dump.txt" --folded "$TMPD/pages.folded" --pprof "$TMPD/pages.pb.gz" >"$TMPD/out.json" 2>"$TMPD/err" & m=$!
on_exit "kill $m 2>/dev/null"
for _ in $(seq 100); do grep -q "tracing page allocations" "$TMPD/err" && break; sleep 0.1; done
assert_contains "$TMPD/err" "tracing page allocations"

kill -USR1 $wp $wf
for _ in $(seq 100); do [ -e "$TMPD/pipe.done" ] && [ -e "$TMPD/file.done" ] && break; sleep 0.1; done
[ -e "$TMPD/pipe.done" ] && [ -e "$TMPD/file.done" ] || fail "workloads did not write their pages"
kill -INT $m
wait $m; rc=$?
assert_eq "$rc" 0 "memmon pages exit code"

# Sum the pages of the blocks of one pid whose stack has a frame matching each regex.
# Page-cache data pages are __filemap_get_folio under generic_perform_write: creating files
# may also read ext4 metadata blocks through the block device's page cache
# (__getblk -> __filemap_get_folio), which is another path.
# memmon pages writes pages_block records, memmon pageowner (reading the dump) pageowner_block.
blocks_under() { # type file pid regex...
	json_query '
import json, re, sys
total = 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["type"] == sys.argv[1] and r["pid"] == int(sys.argv[3]) and \
       all(any(re.match(rx, f) for f in r["stack"]) for rx in sys.argv[4:]):
        total += r["pages"]
print(total)' "$@"
}
pages_under() { blocks_under pages_block "$@"; } # file pid regex...
# On a failed count, show what the report held for that pid.
show_blocks() { # file pid
	jq -c --argjson pid "$2" 'select(.type=="pages_block" and .pid==$pid) |
		[.times, .pages, .order, ([.stack[] | split("+")[0]] | join("<"))]' "$1" >&2
}
expect_pages() { # file pid want what regex...
	local got
	got=$(pages_under "$1" "$2" "${@:5}")
	[ "$got" = "$3" ] || { show_blocks "$1" "$2"; fail "$4: expected $3, got $got"; }
}
expect_pages "$TMPD/out.json" $wp $PIPE_PAGES "pipe pages under pipe_write" '(anon_)?pipe_write\+'
expect_pages "$TMPD/out.json" $wf $FILE_PAGES "page-cache pages under __filemap_get_folio" '__filemap_get_folio\+' 'generic_perform_write\+'
# Nothing of the file writer is under pipe_write and the reverse.
assert_eq "$(pages_under "$TMPD/out.json" $wf '(anon_)?pipe_write\+')" 0 "file writer under pipe_write"
assert_eq "$(pages_under "$TMPD/out.json" $wp '__filemap_get_folio\+' 'generic_perform_write\+')" 0 "pipe writer under __filemap_get_folio"
# The profiles hold the same pages: the pipe writer's folded lines through pipe_write sum
# to its pages in bytes, under its name, kernel frames marked _[k].
PAGE=$(getconf PAGESIZE)
assert_eq "$(grep -E '^page_hold;(.*;)?(anon_)?pipe_write_\[k\];' "$TMPD/pages.folded" | awk '{s += $NF} END {print s}')" \
	$((PIPE_PAGES * PAGE)) "folded bytes under pipe_write"
if command -v go >/dev/null; then
	HOME=$TMPD GOCACHE=$TMPD/gocache go tool pprof -top -unit=B -focus='pipe_write$' "$TMPD/pages.pb.gz" >"$TMPD/pages.top" 2>&1
	grep -q "accounting for $((PIPE_PAGES * PAGE))B, " "$TMPD/pages.top" || { cat "$TMPD/pages.top"; fail "pprof of pages under pipe_write"; }
else
	fail "go (golang-go) is needed for go tool pprof: scripts/setup.sh"
fi
# The workloads' pages are all there is: only the selected pids were kept.
other=$(json_query '
import json, sys
print(sum(1 for l in open(sys.argv[1]) for r in [json.loads(l)]
          if r["type"] == "pages_block" and r["pid"] not in (int(sys.argv[2]), int(sys.argv[3]))))' \
	"$TMPD/out.json" $wp $wf)
assert_eq "$other" 0 "blocks of other processes"
summary=$(grep '"pages_summary"' "$TMPD/out.json")
[ -n "$summary" ] || fail "no pages_summary record"
held=$(echo "$summary" | jq .outstanding_pages)
assert_ge "$held" $((PIPE_PAGES + FILE_PAGES)) "outstanding pages"

# The dump is page_owner text: headers name the workload, memmon pageowner folds it into the
# same blocks.
assert_contains "$TMPD/dump.txt" "pid $wp, tgid $wp (page_hold), ts "
assert_contains "$TMPD/dump.txt" "mask 0x"
"$MEMMON" pageowner --json --pid $wp "$TMPD/dump.txt" >"$TMPD/po.json" 2>"$TMPD/po.err" || fail "pageowner on the dump"
assert_eq "$(blocks_under pageowner_block "$TMPD/po.json" $wp '(anon_)?pipe_write\+')" $PIPE_PAGES "pipe pages in the dump"
assert_eq "$(jq -r 'select(.type=="pageowner_summary") | .malformed' "$TMPD/po.json")" 0 "malformed records in the dump"
# memmon pageowner's profile of the dump: the same pipe pages
"$MEMMON" pageowner --pid $wp --folded "$TMPD/po.folded" "$TMPD/dump.txt" >/dev/null 2>&1 || fail "pageowner --folded"
"$MEMMON" pageowner --pid $wp --folded - "$TMPD/dump.txt" >"$TMPD/po.stdout" 2>/dev/null || fail "pageowner --folded -"
diff "$TMPD/po.folded" "$TMPD/po.stdout" || fail "pageowner --folded - writes the folded stacks, and only them, to stdout"
assert_eq "$(grep -E '(anon_)?pipe_write_\[k\];' "$TMPD/po.folded" | awk '{s += $NF} END {print s}')" \
	$((PIPE_PAGES * PAGE)) "pageowner's folded bytes under pipe_write"
rm -f "$TMPD/pages-test-data.$$"

# A full pages map: --max-pages 16 keeps 16 blocks and counts every other allocation as
# dropped, nothing lost silently.
"$W" pipe $PIPE_PAGES "$TMPD/pipe2.done" & wp2=$!
on_exit "kill $wp2 2>/dev/null"
"$MEMMON" pages -p $wp2 --max-pages 16 --json >"$TMPD/full.json" 2>"$TMPD/full.err" & m2=$!
on_exit "kill $m2 2>/dev/null"
for _ in $(seq 100); do grep -q "tracing page allocations" "$TMPD/full.err" && break; sleep 0.1; done
kill -USR1 $wp2
for _ in $(seq 100); do [ -e "$TMPD/pipe2.done" ] && break; sleep 0.1; done
kill -INT $m2
wait $m2 || fail "memmon pages --max-pages exit code"
read -r allocs frees held dropped < <(jq -r 'select(.type=="pages_summary") |
	"\(.allocations) \(.frees) \(.outstanding_blocks) \(.dropped_allocations)"' "$TMPD/full.json")
assert_eq "$held" 16 "blocks held with --max-pages 16"
assert_ge "$allocs" $PIPE_PAGES "allocations seen"
assert_eq "$((held + dropped + frees))" "$allocs" "held + dropped + freed = allocations"

# -- PROGRAM: dd fills the page cache with 48 pages of a new file and exits; the pages stay
# cached, so the report at the program's exit holds them under __filemap_get_folio.
"$MEMMON" pages --json -- dd if=/dev/zero of="$TMPD/dd-data.$$" bs=4096 count=48 \
	>"$TMPD/dd.json" 2>"$TMPD/dd.err" || { cat "$TMPD/dd.err"; fail "memmon pages -- dd"; }
assert_eq "$(jq -r 'select(.type=="pages_summary") | .reason' "$TMPD/dd.json")" "program exited" "end reason"
dd_pages=$(jq -s '[.[] | select(.type=="pages_block" and .comm=="dd" and
	any(.stack[]; test("^__filemap_get_folio\\+")) and
	any(.stack[]; test("^generic_perform_write\\+"))) | .pages] | add' "$TMPD/dd.json")
[ "$dd_pages" = 48 ] || { jq -c 'select(.type=="pages_block" and .comm=="dd") | [.pages, ([.stack[] | split("+")[0]] | join("<"))]' "$TMPD/dd.json" >&2; fail "dd page-cache pages: expected 48, got $dd_pages"; }
# --comm: the summary counts the blocks the report lists, not those of every process.
"$MEMMON" pages --json --comm dd -d 3 >"$TMPD/comm.json" 2>"$TMPD/comm.err" & m3=$!
on_exit "kill $m3 2>/dev/null"
for _ in $(seq 100); do grep -q "tracing page allocations" "$TMPD/comm.err" && break; sleep 0.1; done
dd if=/dev/zero of="$TMPD/dd-comm.$$" bs=4096 count=48 2>/dev/null
wait $m3 || fail "memmon pages --comm exit code"
read -r blocks pages < <(jq -s -r '[.[] | select(.type=="pages_block")] | "\(map(.times) | add) \(map(.pages) | add)"' "$TMPD/comm.json")
assert_ge "$pages" 48 "pages of dd listed"
assert_eq "$(jq -r 'select(.type=="pages_summary") | "\(.outstanding_blocks) \(.outstanding_pages)"' "$TMPD/comm.json")" \
	"$blocks $pages" "--comm summary: outstanding blocks and pages of the listed blocks"
assert_eq "$(jq -r 'select(.type=="pages_block") | .comm' "$TMPD/comm.json" | sort -u)" dd "commands of the listed blocks"
echo "ok"
