#!/usr/bin/env bash
# memmon pageowner on page_owner dumps in the formats of four kernel generations, written
# here, with known answers for every sort key, cull rule and filter, the exact
# page_owner_sort output layout, malformed records by line, and bad input.
source "$(dirname "$0")/../lib.sh"

S1=' post_alloc_hook+0x1a/0x80
 get_page_from_freelist+0x3c8/0x1340
 __alloc_pages+0x1d0/0x360
 pipe_write+0x1a2/0x6c0
 vfs_write+0x2b5/0x3c0'
S2=' post_alloc_hook+0x1a/0x80
 get_page_from_freelist+0x3c8/0x1340
 __alloc_pages+0x1d0/0x360
 __filemap_get_folio+0x1b2/0x3f0
 ext4_da_write_begin+0x10d/0x2c0'
S3=' post_alloc_hook+0x1a/0x80
 alloc_pages+0x1d0/0x360
 __vmalloc_node_range+0x4c1/0x800'

# Linux 5.18/5.19 layout: pid, tgid (command), ts and free_ts. Five blocks:
#   A pid 100 tgid 100 alpha order 0 S1, three records (ts 1000/1100/1200)  3 times 3 pages
#   B pid 200 tgid 200 beta  order 2 S2 ts 500                             1 time  4 pages
#   C pid 101 tgid 100 alpha order 1 S1 ts 3000 free_ts 4000 (freed)       1 time  2 pages
#   D pid 300 tgid 300 gamma order 0 S3 ts 200 free_ts 100, CMA + vmalloc  1 time  1 page
#   E pid 200 tgid 200 beta  order 3 S1 ts 800                             1 time  8 pages
rec() { # order mask pid tgid comm ts free_ts pfn type stack
	printf 'Page allocated via order %s, mask %s(GFP_X), pid %s, tgid %s (%s), ts %s ns, free_ts %s ns\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7"
	printf 'PFN %s type %s Block 1 type %s Flags 0x0()\n%s\n\n' "$8" "$9" "$9" "${10}"
}
{
	rec 0 0x100cca 100 100 alpha 1000 0 4096 Movable "$S1"
	rec 2 0x140cca 200 200 beta 500 0 4100 Movable "$S2"
	rec 0 0x100cca 100 100 alpha 1100 0 4097 Movable "$S1"
	rec 1 0x100cca 101 100 alpha 3000 4000 4200 Movable "$S1"
	rec 0 0xcc0 300 300 gamma 200 100 8192 CMA "$S3"
	rec 3 0x40cc0 200 200 beta 800 0 9000 Unmovable "$S1"
	rec 0 0x100cca 100 100 alpha 1200 0 4098 Movable "$S1"
} >"$TMPD/k518.txt"

# Block letters, in report order, from the JSON output.
blocks() {
	"$MEMMON" pageowner --json "$@" "$TMPD/k518.txt" 2>"$TMPD/stderr" | jq -r '
		select(.type == "pageowner_block") |
		{"100:0": "A", "200:2": "B", "101:1": "C", "300:0": "D", "200:3": "E"}["\(.pid):\(.order)"]' |
		paste -sd, -
}
check() { # expected args...
	local want=$1; shift
	assert_eq "$(blocks "$@")" "$want" "pageowner $*"
}

# Sort keys: each shortcut of page_owner_sort, and --sort with several keys and directions.
check A,D,C,B,E            # -t (default): times, most first; ties in text order
check A,D,C,B,E -t
check E,B,A,C,D -m
check D,B,E,A,C -a
check A,B,E,D,C -r         # free_ts ascending: 0, 0, 0, 100, 4000
check A,C,B,E,D -p
check A,C,B,E,D -P
check A,C,B,E,D -n
check D,B,A,C,E -s
check D,B,E,A,C --sort=at
check C,D,A,B,E --sort=-ft
check D,B,E,A,C --sort=-tgid,+pid
check D,E,B,A,C --sort=-n,-m
check A,D,C,B,E --sort=T
check D,E,B,A,C --sort=ator,-pages
check A,D,B,E,C --sort=-times,alloc_ts
check E,B,A,C,D --sort=-m,p
# The last sort option wins, shortcut or --sort.
check D,B,E,A,C -m -a
check E,B,A,C,D --sort=at -m
check D,B,E,A,C -m --sort=at
# Filters: pid, tgid, name lists (comma lists and repeated options), -f.
check A,D --pid 100,300
check A,D --pid 100 --pid 300
check A,C --tgid 100
check E,B --name beta -m
check D,B,E --tgid 200 --name beta,gamma --tgid 300 -a
check A,D,B,E -f
check D --comm gamma

# Culling, in page_owner_sort's layout.
cull() { "$MEMMON" pageowner "$@" "$TMPD/k518.txt" 2>/dev/null; }
assert_eq "$(cull --cull pid -m)" "$(printf '2 times, 12 pages, PID 200\n3 times, 3 pages, PID 100\n1 times, 2 pages, PID 101\n1 times, 1 pages, PID 300')" "cull pid"
assert_eq "$(cull --cull tgid -m)" "$(printf '2 times, 12 pages, TGID 200\n4 times, 5 pages, TGID 100\n1 times, 1 pages, TGID 300')" "cull tgid"
assert_eq "$(cull --cull name)" "$(printf '4 times, 5 pages, task_comm_name: alpha\n2 times, 12 pages, task_comm_name: beta\n1 times, 1 pages, task_comm_name: gamma')" "cull name"
assert_eq "$(cull --cull free)" "$(printf '5 times, 15 pages (UNRELEASED)\n2 times, 3 pages (RELEASED)')" "cull free"
assert_eq "$(cull --cull allocator)" "$(printf '6 times, 17 pages, allocated by OTHERS \n1 times, 1 pages, allocated by CMA VMALLOC ')" "cull allocator"
assert_eq "$(cull --cull st -m)" "$(printf '5 times, 13 pages:\n%s\n\n1 times, 4 pages:\n%s\n\n1 times, 1 pages:\n%s\n' "$S1" "$S2" "$S3")" "cull stacktrace"
assert_eq "$(cull --cull p,n --pid 200)" "$(printf '2 times, 12 pages, PID 200, task_comm_name: beta')" "cull pid,name with --pid"
assert_eq "$(cull --cull tg,st --sort=-m --tgid 100)" "$(printf '4 times, 5 pages, TGID 100:\n%s\n' "$S1")" "cull tgid,stacktrace"
# JSON of a culled report carries the culled fields.
"$MEMMON" pageowner --json --cull pid,free -m "$TMPD/k518.txt" >"$TMPD/cull.json" 2>/dev/null
assert_eq "$(jq -c 'select(.type=="pageowner_block") | [.pid, .released, .times, .pages]' "$TMPD/cull.json" | paste -sd' ' -)" \
	"[200,false,2,12] [100,false,3,3] [101,true,1,2] [300,true,1,1]" "json cull pid,free"
assert_eq "$(jq -c 'select(.type=="pageowner_summary") | [.records, .pages, .selected_records, .blocks, .malformed]' "$TMPD/cull.json")" \
	"[7,18,7,4,0]" "json summary"

# Linux 6.x layout (no free_ts, hex PFN, memcg line): the default report, byte for byte in
# page_owner_sort's shape; the earliest allocation's header stands for the block.
cat >"$TMPD/k6.txt" <<EOF
Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 7, tgid 7 (kworker/u4:1), ts 900 ns
PFN 0x1a2b type Movable Block 13 type Movable Flags 0x17ffffc0020000(lru|node=0|zone=2)
$S2
Charged to memcg system.slice

Page allocated via order 1, mask 0x52cc0(GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP), pid 9, tgid 9 (systemd), ts 50 ns
PFN 0x2000 type Unmovable Block 16 type Unmovable Flags 0x4000(head|node=0|zone=1)
$S3

Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 7, tgid 7 (kworker/u4:1), ts 400 ns
PFN 0x1a2c type Movable Block 13 type Movable Flags 0x17ffffc0020000(lru|node=0|zone=2)
$S2
Charged to memcg system.slice

EOF
"$MEMMON" pageowner "$TMPD/k6.txt" "$TMPD/k6.out" 2>"$TMPD/k6.err" || fail "pageowner k6"
cat >"$TMPD/k6.want" <<EOF
2 times, 2 pages, allocated by OTHERS :
Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 7, tgid 7 (kworker/u4:1), ts 400 ns
$S2
Charged to memcg system.slice

1 times, 2 pages, allocated by VMALLOC :
Page allocated via order 1, mask 0x52cc0(GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP), pid 9, tgid 9 (systemd), ts 50 ns
$S3

EOF
diff -u "$TMPD/k6.want" "$TMPD/k6.out" || fail "6.x default report differs"
assert_contains "$TMPD/k6.err" "3 records (4 pages), 3 selected (4 pages) in 2 blocks, 0 malformed"
# Reading standard input gives the same report.
"$MEMMON" pageowner - <"$TMPD/k6.txt" >"$TMPD/k6.stdin" 2>/dev/null
diff -u "$TMPD/k6.want" "$TMPD/k6.stdin" || fail "stdin report differs"

# Linux 5.11-5.17 layout (pid, ts, free_ts; no tgid, no command).
cat >"$TMPD/k511.txt" <<EOF
Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 1, ts 30 ns, free_ts 0 ns
PFN 262144 type Movable Block 512 type Movable Flags 0x0()
$S1

Page allocated via order 2, mask 0xcc0(GFP_KERNEL), pid 2, ts 10 ns, free_ts 20 ns
PFN 262150 type Unmovable Block 512 type Unmovable Flags 0x0()
$S2

Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 1, ts 40 ns, free_ts 0 ns
PFN 262151 type Movable Block 512 type Movable Flags 0x0()
$S1

EOF
"$MEMMON" pageowner --json -a "$TMPD/k511.txt" >"$TMPD/k511.json" 2>/dev/null
assert_eq "$(jq -c 'select(.type=="pageowner_block") | [.pid, .tgid, .comm, .times, .pages, .ts_ns]' "$TMPD/k511.json" | paste -sd' ' -)" \
	'[2,-1,"",1,4,10] [1,-1,"",2,2,30]' "5.11 blocks"
assert_eq "$("$MEMMON" pageowner -f --cull pid "$TMPD/k511.txt" 2>/dev/null)" "2 times, 2 pages, PID 1" "5.11 -f"

# Linux 4.x layout (order and mask only, hex-address frames, migrate reason line).
cat >"$TMPD/k4.txt" <<'EOF'
Page allocated via order 1, mask 0x24202c2(GFP_HIGHUSER|__GFP_COLD)
PFN 6699 type Movable Block 13 type Movable Flags 0x1000000000004(referenced)
 [<ffffffff8118ab21>] __alloc_pages_nodemask+0x121/0x260
 [<ffffffff811d7e3b>] alloc_pages_current+0x8b/0x110
Page has been migrated, last migrate reason: compaction

Page allocated via order 0, mask 0x24200ca(GFP_HIGHUSER_MOVABLE)
PFN 7000 type Movable Block 13 type Movable Flags 0x0()
 [<ffffffff8118ab21>] __alloc_pages_nodemask+0x121/0x260

Page allocated via order 1, mask 0x24202c2(GFP_HIGHUSER|__GFP_COLD)
PFN 7002 type Movable Block 13 type Movable Flags 0x1000000000004(referenced)
 [<ffffffff8118ab21>] __alloc_pages_nodemask+0x121/0x260
 [<ffffffff811d7e3b>] alloc_pages_current+0x8b/0x110
Page has been migrated, last migrate reason: compaction

EOF
"$MEMMON" pageowner -m "$TMPD/k4.txt" >"$TMPD/k4.out" 2>/dev/null
assert_eq "$(grep times "$TMPD/k4.out" | paste -sd'|' -)" "2 times, 4 pages, allocated by OTHERS :|1 times, 1 pages, allocated by OTHERS :" "4.x fold"
assert_contains "$TMPD/k4.out" "Page has been migrated, last migrate reason: compaction"

# Malformed records: counted, listed by line, the rest analysed.
{
	rec 0 0x100cca 100 100 alpha 1000 0 4096 Movable "$S1"      # lines 1-8
	echo "garbage line"                                           # 9
	echo                                                          # 10
	printf 'Page allocated via order 0, mask 0x1(X), pid 5, tgid 5 (x), ts 1 ns\n\n' # 11-12: no stack
	printf 'Page allocated via order 0, mask 0x1(X), pid 5, tgid five (x), ts 1 ns\n %s\n\n' f # 13-15
	rec 0 0x100cca 100 100 alpha 1001 0 4097 Movable "$S1"      # 16-23
	printf 'Page allocated via order 0, mask 0x1(X), pid 6, tgid 6 (y), ts 2 ns\n g+0x1/0x2' # 24-25, cut
} >"$TMPD/bad.txt"
"$MEMMON" pageowner --cull pid "$TMPD/bad.txt" >"$TMPD/bad.out" 2>"$TMPD/bad.err"
assert_eq $? 0 "exit code with malformed records"
assert_eq "$(cat "$TMPD/bad.out")" "2 times, 2 pages, PID 100" "report of the good records"
assert_contains "$TMPD/bad.err" "2 records (2 pages), 2 selected (2 pages) in 1 blocks, 4 malformed"
assert_contains "$TMPD/bad.err" "malformed record at line 9: not a page_owner record"
assert_contains "$TMPD/bad.err" "malformed record at line 11: record has no stack"
assert_contains "$TMPD/bad.err" "malformed record at line 13: bad tgid"
assert_contains "$TMPD/bad.err" "malformed record at line 24: file ends mid-record"
"$MEMMON" pageowner --json "$TMPD/bad.txt" >"$TMPD/bad.json" 2>/dev/null
assert_eq "$(jq -c 'select(.type=="pageowner_summary") | [.malformed, [.malformed_records[].line]]' "$TMPD/bad.json")" "[4,[9,11,13,24]]" "json malformed lines"

"$MEMMON" pageowner -d "$TMPD/bad.txt" >/dev/null 2>"$TMPD/bad.d"
assert_contains "$TMPD/bad.d" "memmon pageowner: line 9: not a page_owner record"
assert_contains "$TMPD/bad.d" "memmon pageowner: line 24: file ends mid-record"

# Streaming: 200,000 records (about 80 MB) need no more memory than 2,000 (the blocks are
# the same 50), and every record is counted.
gen() { # records file
	python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        s = i % 50
        f.write("Page allocated via order %d, mask 0xcc0(GFP_KERNEL), pid %d, tgid %d (t%d), ts %d ns, free_ts 0 ns\n"
                "PFN 0x%x type Movable Block 1 type Movable Flags 0x0()\n"
                " post_alloc_hook+0x1a/0x80\n get_page_from_freelist+0x3c8/0x1340\n"
                " __alloc_pages+0x1d0/0x360\n caller_%d+0x10/0x100\n vfs_write+0x2b5/0x3c0\n\n"
                % (s % 2, s, s, s, 1000 + i, i, s))
PY
}
peak_kb() { # args... : peak RSS of memmon in KiB
	python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
gen 2000 "$TMPD/small.txt"
gen 200000 "$TMPD/big.txt"
small=$(peak_kb "$MEMMON" pageowner "$TMPD/small.txt")
big=$(peak_kb "$MEMMON" pageowner "$TMPD/big.txt")
assert_le "$big" $((small + 4096)) "peak RSS (KiB) for 200k records vs $small for 2k"
assert_eq "$("$MEMMON" pageowner --json "$TMPD/big.txt" 2>/dev/null | jq -c 'select(.type=="pageowner_summary") | [.records, .pages, .blocks]')" \
	"[200000,300000,50]" "200k records folded"
rm -f "$TMPD/big.txt"

# Bad input: one-line errors, exit 1 (runtime) or 2 (usage).
"$MEMMON" pageowner "$TMPD/missing.txt" >/dev/null 2>"$TMPD/e1"; assert_eq $? 1 "missing file"
assert_contains "$TMPD/e1" "cannot open $TMPD/missing.txt: No such file or directory"
"$MEMMON" pageowner "$TMPD" >/dev/null 2>"$TMPD/e2"; assert_eq $? 1 "directory"
assert_contains "$TMPD/e2" "Is a directory"
"$MEMMON" pageowner --sort=bogus "$TMPD/k6.txt" >/dev/null 2>"$TMPD/e3"; assert_eq $? 2 "bad sort"
assert_contains "$TMPD/e3" "bad --sort 'bogus'"
"$MEMMON" pageowner --cull=pid,x "$TMPD/k6.txt" >/dev/null 2>/dev/null; assert_eq $? 2 "bad cull"
"$MEMMON" pageowner --pid 1,x "$TMPD/k6.txt" >/dev/null 2>/dev/null; assert_eq $? 2 "bad pid list"
"$MEMMON" pageowner a b c >/dev/null 2>/dev/null; assert_eq $? 2 "too many arguments"
head -c 100000 /dev/urandom >"$TMPD/random.bin"
"$MEMMON" pageowner "$TMPD/random.bin" >/dev/null 2>"$TMPD/e4"; assert_eq $? 1 "random bytes: not a page_owner dump"
assert_contains "$TMPD/e4" "is not a page_owner dump"
assert_contains "$TMPD/e4" "0 records (0 pages)"
# A line without end: refused as a device, and from a pipe read in bounded memory (getline
# grew to gigabytes); 64 MiB without a newline is one malformed line.
timeout 10 "$MEMMON" pageowner /dev/zero >/dev/null 2>"$TMPD/e5"; assert_eq $? 1 "/dev/zero"
assert_contains "$TMPD/e5" "cannot read /dev/zero: a device, not a file or a pipe"
head -c 64M /dev/zero | tr '\0' a | /usr/bin/time -f '%M' -o "$TMPD/rss" \
	timeout 60 "$MEMMON" pageowner >/dev/null 2>"$TMPD/e6"; assert_eq $? 1 "one 64 MiB line"
assert_contains "$TMPD/e6" "line 1: line too long"
assert_contains "$TMPD/e6" "0 records (0 pages)"
# (the line alone would be 65536 kB; ASan adds its own ~10 MB)
assert_le "$(tail -1 "$TMPD/rss")" 40000 "peak RSS (kB) reading a 64 MiB line"
# the line after a long one is read whole: a dump behind 1 MiB of garbage still folds
{ head -c 1M /dev/zero | tr '\0' a; echo; echo; cat "$TMPD/k518.txt"; } >"$TMPD/long_then_dump.txt"
"$MEMMON" pageowner "$TMPD/long_then_dump.txt" >/dev/null 2>"$TMPD/e7"; assert_eq $? 0 "dump after a long line"
assert_contains "$TMPD/e7" "7 records (18 pages)"
assert_contains "$TMPD/e7" "1 malformed"
"$MEMMON" pageowner --help | grep -q -- "--cull RULES" || fail "help"
echo ok
