#!/usr/bin/env bash
# Double and invalid frees are reported as they happen, with the right stacks, even though
# glibc aborts the program right after.
source "$(dirname "$0")/../lib.sh"
require_bpf
SRC="$MEMMON_ROOT/tests/workloads"
line_of() { grep -n "$1" "$SRC/bad_free.c" | head -1 | cut -d: -f1; }

"$MEMMON" leak -- "$WORKLOADS/bad_free" double >"$TMPD/text" 2>"$TMPD/err" || fail "leak exited $?"
assert_contains "$TMPD/text" "(48 bytes) by pid"
grep -A2 "freed again at:" "$TMPD/text" | sed -n 2p >"$TMPD/f2"
assert_contains "$TMPD/f2" "release_again+0x"
assert_contains "$TMPD/f2" "bad_free.c:$(line_of SECOND_FREE_LINE)"
grep -A1 "first freed at:" "$TMPD/text" | sed -n 2p >"$TMPD/f1"
assert_contains "$TMPD/f1" "release_first+0x"
assert_contains "$TMPD/f1" "bad_free.c:$(line_of FIRST_FREE_LINE)"
grep -A1 "allocated at:" "$TMPD/text" | sed -n 2p >"$TMPD/a"
assert_contains "$TMPD/a" "make_buffer+0x"
assert_contains "$TMPD/a" "bad_free.c:$(line_of ALLOC_LINE)"

"$MEMMON" leak --json -- "$WORKLOADS/bad_free" double >"$TMPD/json" 2>/dev/null || fail "json run failed"
assert_eq "$(jq -r 'select(.type=="leak_error") | [.error,.size,.free_stack[0].symbol,.free_stack[1].symbol,.first_free_stack[0].symbol,.alloc_stack[0].symbol,.alloc_stack[0].line] | @tsv' "$TMPD/json")" \
	"$(printf 'double_free\t48\trelease_again\tmain\trelease_first\tmake_buffer\t%s' "$(line_of ALLOC_LINE)")" "double free json"

# by default a free keeps its caller only; --free-stacks keeps the whole first-free stack
assert_eq "$(jq -r 'select(.type=="leak_error") | .first_free_stack | length' "$TMPD/json")" 1 "first free: caller only"
"$MEMMON" leak --json --free-stacks -- "$WORKLOADS/bad_free" double >"$TMPD/fs" 2>/dev/null || fail "--free-stacks run failed"
assert_eq "$(jq -r 'select(.type=="leak_error") | [.first_free_stack[0].symbol, .first_free_stack[1].symbol] | @tsv' "$TMPD/fs")" \
	"$(printf 'release_first\tmain')" "--free-stacks first free stack"

"$MEMMON" leak --json -- "$WORKLOADS/bad_free" invalid >"$TMPD/inv" 2>/dev/null || fail "invalid run failed"
assert_eq "$(jq -r 'select(.type=="leak_error") | [.error,.free_stack[0].symbol,.free_stack[0].line] | @tsv' "$TMPD/inv")" \
	"$(printf 'invalid_free\trelease_bogus\t%s' "$(line_of INVALID_FREE_LINE)")" "invalid free json"
# the block itself is still outstanding, and nothing else was reported as an error
assert_eq "$(jq -r 'select(.type=="leak_stack" and .frames[0].symbol=="make_buffer") | .bytes' "$TMPD/inv")" 48 "block still outstanding"
assert_eq "$(jq -r 'select(.type=="leak_error")' "$TMPD/inv" | jq -s length)" 1 "one error"
echo ok
