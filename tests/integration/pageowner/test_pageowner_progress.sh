#!/usr/bin/env bash
# Long work draws a one-line progress indicator on a terminal: pageowner reading a dump
# that takes more than a second (here a pipe that pauses) shows how much it has read, then
# erases the line; not when stderr is not a terminal, not with --json. script(1) gives
# memmon a terminal.
source "$(dirname "$0")/../lib.sh"
command -v script >/dev/null || fail "script (bsdutils) is needed"
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(60000):
        f.write("Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid %d, tgid %d (p%d), ts %d ns\n"
                "PFN 0x%x type Movable Block %d type Movable Flags 0x0()\n post_alloc_hook+0x1a/0x80\n"
                " alloc_site%d+0x10/0x40\n\n" % (i % 7, i % 7, i % 7, i, 4096 + i, i // 512, i % 9))' "$TMPD/half.txt"
slow_dump() { echo "{ cat $TMPD/half.txt; sleep 1.6; cat $TMPD/half.txt; }"; }

# 1. On a terminal: the line appears after a second, with what was read, and is erased.
script -qfec "$(slow_dump) | \"$MEMMON\" pageowner >$TMPD/report" /dev/null >"$TMPD/tty" </dev/null ||
	{ cat -v "$TMPD/tty"; fail "pageowner on a terminal"; }
grep -qaE $'\rmemmon pageowner: reading standard input: [0-9.]+ MiB, [0-9]+ s\e\\[K' "$TMPD/tty" ||
	{ cat -v "$TMPD/tty"; fail "no progress line"; }
grep -qa $'\r\e\\[Kmemmon pageowner: -: 120000 records' "$TMPD/tty" ||
	{ cat -v "$TMPD/tty"; fail "the progress line was not erased before the summary"; }
assert_contains "$TMPD/report" "alloc_site"

# 2. stderr not a terminal: no progress.
eval "$(slow_dump)" | "$MEMMON" pageowner >/dev/null 2>"$TMPD/err" || fail "pageowner through a pipe"
assert_contains "$TMPD/err" "120000 records"
assert_not_contains "$TMPD/err" "reading standard input"

# 3. --json on a terminal: no progress either (the stream stays JSON Lines).
script -qfec "$(slow_dump) | \"$MEMMON\" pageowner --json >$TMPD/json" /dev/null >"$TMPD/tty2" </dev/null ||
	fail "pageowner --json on a terminal"
assert_not_contains "$TMPD/tty2" "reading standard input"
python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMPD/json" || fail "--json output"
echo PASS
