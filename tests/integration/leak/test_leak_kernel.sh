#!/usr/bin/env bash
# memmon leak --kernel: outstanding kernel allocations rise by a known amount while a
# program holds N pipes open and fall back when it closes them.
source "$(dirname "$0")/../lib.sh"
require_bpf
N=64
"$MEMMON" leak --kernel --json -i 0.5 --top 100000 -- "$WORKLOADS/hold_pipes" $N 2 2 >"$TMPD/json" 2>"$TMPD/err" ||
	fail "leak --kernel exited $?: $(cat "$TMPD/err")"
# alloc_pipe_info() makes two allocations per pipe: the pipe_inode_info and its buffer ring.
per_report() {
	jq -s -r 'group_by(.report)[] | [.[0].report, (map(select(.type=="leak_stack" and .frames[1].symbol=="alloc_pipe_info")) | (map(.count) | add // 0), (map(.bytes) | add // 0))] | @tsv' "$TMPD/json"
}
per_report >"$TMPD/reports"
cat "$TMPD/reports"
# struct sizes from BTF, rounded to their kmalloc buckets
size_of() { bpftool btf dump file /sys/kernel/btf/vmlinux format raw | grep -m1 "STRUCT '$1' size=" | sed "s/.*size=\([0-9]*\).*/\1/"; }
bucket() { for b in 8 16 32 64 96 128 192 256 512 1024 2048 4096 8192; do [ "$1" -le $b ] && { echo $b; return; }; done; }
info=$(bucket "$(size_of pipe_inode_info)")
bufs=$(bucket $((16 * $(size_of pipe_buffer))))
per_pipe=$((info + bufs))
grep -q "^[0-9]*	$((2 * N))	$((N * per_pipe))\$" "$TMPD/reports" || fail "no report with $((2 * N)) allocations of $((N * per_pipe)) bytes while the pipes were open"
last=$(tail -1 "$TMPD/reports")
assert_eq "$(cut -f2,3 <<<"$last")" "$(printf '0\t0')" "after close (final report)"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .reason' "$TMPD/json")" "program exited" "end reason"
# rows of the interval reports are not final, those of the last report are
assert_eq "$(jq -s '(map(select(.type=="leak_summary")) | .[0].report) as $last
	| [.[] | select(.type=="leak_stack" and .final != (.report == $last))] | length' "$TMPD/json")" 0 "final rows"
echo ok
