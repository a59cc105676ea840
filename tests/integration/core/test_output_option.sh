#!/usr/bin/env bash
# -o/--output FILE, which every command takes: the report (text or JSON Lines) goes to FILE
# and a launched program's own stdout stays apart; the file is 0600 (0644 with
# --output-mode), an ordinary user's planted symlink or file is refused before tracing.
source "$(dirname "$0")/../lib.sh"
require_bpf
make_ordinary_user
PUB=/tmp/memmon-o.$$ # world-writable and sticky, like /tmp
mkdir -m 1777 "$PUB"
on_exit "rm -rf $PUB"

# 1. leak_fixed leaks 100 x 4096 bytes; the program around it says a line of its own.
"$MEMMON" leak -i 0 -o "$PUB/leak.txt" -- bash -c "echo program-says-hi; \"$WORKLOADS/leak_fixed\"" \
	>"$TMPD/prog.out" 2>"$TMPD/err" || { cat "$TMPD/err"; fail "leak -o"; }
assert_eq "$(cat "$TMPD/prog.out")" "program-says-hi" "the program's stdout (memmon's report not in it)"
assert_contains "$PUB/leak.txt" "409600 bytes in 100 allocations via malloc"
assert_contains "$PUB/leak.txt" "leak_pages+"
assert_not_contains "$PUB/leak.txt" "program-says-hi"
assert_eq "$(stat -c '%a %U' "$PUB/leak.txt")" "600 root" "mode of -o's file"

# 2. JSON Lines the same way, every line an object; --output-mode 0644.
"$MEMMON" leak -i 0 --json --output "$PUB/leak.json" --output-mode 0644 -- bash -c \
	"echo program-says-hi; \"$WORKLOADS/leak_fixed\"" >"$TMPD/prog2.out" 2>/dev/null || fail "leak --json -o"
assert_eq "$(cat "$TMPD/prog2.out")" "program-says-hi" "the program's stdout with --json"
assert_eq "$(stat -c '%a' "$PUB/leak.json")" "644" "--output-mode 0644"
json_query 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert any(r.get("type")=="leak_stack" and r.get("bytes")==409600 for r in rows), rows
assert rows[-1]["type"]=="leak_summary", rows[-1]' "$PUB/leak.json" || fail "JSON in -o's file"

# 3. An ordinary user's symlink at the path is refused before anything is traced (the
# program never runs), root's file behind it untouched.
echo precious >"$TMPD/victim"; chmod 644 "$TMPD/victim"; chmod 711 "$TMPD"
as_user ln -s "$TMPD/victim" "$PUB/link.txt"
"$MEMMON" leak -i 0 -o "$PUB/link.txt" -- touch "$TMPD/ran" >/dev/null 2>"$TMPD/e3"
assert_eq $? 1 "-o through a planted symlink"
assert_contains "$TMPD/e3" "memmon leak: cannot write $PUB/link.txt: it is a symbolic link"
[ ! -e "$TMPD/ran" ] || fail "the program ran although -o was refused"
assert_eq "$(cat "$TMPD/victim")" precious "root's file behind the symlink"
[ -L "$PUB/link.txt" ] || fail "the user's symlink was replaced"

# 4. Another user's file is not replaced (a snapshot command: no BPF needed for -o).
as_user sh -c "echo theirs >$PUB/theirs.txt"
"$MEMMON" ps -o "$PUB/theirs.txt" >/dev/null 2>"$TMPD/e4"
assert_eq $? 1 "-o over another user's file"
assert_contains "$TMPD/e4" "it belongs to another user"
assert_eq "$(cat "$PUB/theirs.txt")" theirs "the other user's file"

# 5. A usage error leaves no file; a directory that does not exist is a clear error.
"$MEMMON" ps --bogus -o "$PUB/none.txt" >/dev/null 2>&1
assert_eq $? 2 "usage error with -o"
[ ! -e "$PUB/none.txt" ] || fail "a usage error left $PUB/none.txt"
"$MEMMON" sys -o "$PUB/nodir/x.txt" >/dev/null 2>"$TMPD/e5"
assert_eq $? 1 "-o in a missing directory"
assert_contains "$TMPD/e5" "cannot write $PUB/nodir/x.txt: its directory"

# 6. Every command takes -o and says so in --help.
for cmd in $("$MEMMON" help | awk '/^Commands:/{on=1; next} /^$/{on=0} on {print $1}'); do
	"$MEMMON" "$cmd" --help >"$TMPD/help" || fail "$cmd --help"
	assert_contains "$TMPD/help" "-o, --output FILE"
done
"$MEMMON" sys -o "$PUB/sys.txt" >"$TMPD/sys.out" || fail "sys -o"
[ ! -s "$TMPD/sys.out" ] || fail "sys -o still printed to stdout"
assert_contains "$PUB/sys.txt" "Mem"
echo "PASS"
