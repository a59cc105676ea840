#!/usr/bin/env bash
# The conventions every tracing command shares for `-- PROGRAM` (DESIGN.md, README
# "Conventions"): memmon's exit status is its own (0 done), not the program's; with --json
# the program's stdout goes to stderr so stdout stays JSON Lines; and when -d ends tracing
# the program is not left running untraced.
source "$(dirname "$0")/../lib.sh"
require_bpf

# guard and segv pass the program's status through (documented): they are left out here.
cmds=(leak watch mmap brk shm faults reclaim drsnoop compact oom kmem pages trend)

for c in "${cmds[@]}"; do
	timeout 60 "$MEMMON" "$c" -- sh -c 'echo from-the-program; exit 7' >"$TMPD/$c.out" 2>"$TMPD/$c.err"
	assert_eq $? 0 "$c: exit status when the program exits 7"

	timeout 60 "$MEMMON" "$c" --json -- sh -c 'echo from-the-program; exit 0' >"$TMPD/$c.json" 2>"$TMPD/$c.jerr"
	assert_eq $? 0 "$c --json: exit status"
	jq -e . "$TMPD/$c.json" >/dev/null 2>&1 || { head "$TMPD/$c.json"; fail "$c --json: stdout is not JSON Lines"; }
	[ -s "$TMPD/$c.json" ] || fail "$c --json: no records"
	assert_contains "$TMPD/$c.jerr" "from-the-program"
done

# -d ends tracing: the launched program must be gone when memmon returns.
for c in "${cmds[@]}"; do
	marker="1000.$$$RANDOM"
	timeout 60 "$MEMMON" "$c" -d 1 -- sleep "$marker" >/dev/null 2>&1
	rc=$?
	left=$(pgrep -f "^sleep $marker\$" || true)
	[ -z "$left" ] || { kill $left; fail "$c -d 1: the program ($left) was left running"; }
	assert_eq $rc 0 "$c -d 1: exit status"
done
# A bad option: exit 2 and one message in memmon's form, from every command (but
# watch-pids, whose arguments are PID and -PID: it says the pid is invalid).
for c in $("$MEMMON" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ && $1 != "watch-pids" {print $1}'); do
	"$MEMMON" "$c" --no-such-option >/dev/null 2>"$TMPD/opt.err"
	assert_eq $? 2 "$c --no-such-option: exit status"
	assert_eq "$(head -1 "$TMPD/opt.err")" "memmon $c: unknown option, or no value after '--no-such-option'" "$c: message"
done

# -p and -- PROGRAM together: a usage error everywhere but watch (whose list takes both).
for c in leak mmap brk shm faults reclaim drsnoop compact oom kmem pages segv trend; do
	"$MEMMON" "$c" -p $$ -- true >/dev/null 2>"$TMPD/both.err"
	assert_eq $? 2 "$c -p PID -- PROGRAM: exit status"
done

# --comm longer than a task name can be: a usage error, never a silent empty report.
for c in ps mmap brk shm faults reclaim drsnoop compact oom kmem segv; do
	"$MEMMON" "$c" --comm sixteen_chars_xy -d 1 >/dev/null 2>"$TMPD/comm.err"
	assert_eq $? 2 "$c --comm of 16 characters: exit status"
	assert_contains "$TMPD/comm.err" "1 to 15 characters"
done

# A kernel thread has no user memory: commands about user memory say so (exit 1).
KTHREAD=$(awk '/^Name:\tkthreadd$/ {print FILENAME}' /proc/[0-9]*/status 2>/dev/null | head -1 | cut -d/ -f3)
if [ -n "$KTHREAD" ]; then # not visible inside a pid namespace
	for c in leak watch mmap brk shm faults segv trend ps; do
		dur=(-d 1); [ "$c" = ps ] && dur=() # a snapshot
		timeout 20 "$MEMMON" "$c" -p "$KTHREAD" "${dur[@]}" >/dev/null 2>"$TMPD/kt.err"
		assert_eq $? 1 "$c -p kernel thread: exit status"
		assert_contains "$TMPD/kt.err" "kernel thread"
	done
fi
echo ok
