#!/usr/bin/env bash
# Bad input gets one clear line and the documented exit status, never a hang.
source "$(dirname "$0")/../lib.sh"
expect() { # expect STATUS PATTERN CMD...
	local want=$1 pat=$2; shift 2
	timeout 20 "$@" >"$TMPD/out" 2>&1
	local rc=$?
	[ $rc = "$want" ] || { cat "$TMPD/out"; fail "'$*' exited $rc, expected $want"; }
	grep -q -- "$pat" "$TMPD/out" || { cat "$TMPD/out"; fail "'$*' did not say '$pat'"; }
}
expect 2 "nothing to trace" "$MEMMON" leak
expect 2 "unknown option, or no value after '--bogus'" "$MEMMON" leak --bogus -p 1
expect 2 "invalid pid" "$MEMMON" leak -p abc
expect 2 "invalid --top" "$MEMMON" leak --top 0 -p 1
expect 2 "either -p PID or -- PROGRAM" "$MEMMON" leak -p 1 -- /bin/true
expect 2 "cannot be used with" "$MEMMON" leak --combined --show-allocs -p 1
expect 2 "unknown command" "$MEMMON" nosuchcommand
expect 0 "usage: memmon leak" "$MEMMON" leak --help
expect 0 "leak" "$MEMMON" help
expect 0 "memmon 0" "$MEMMON" --version
# a pid that does not exist
pid=999999; while kill -0 $pid 2>/dev/null; do pid=$((pid - 1)); done
expect 1 "pid $pid does not exist" "$MEMMON" leak -p $pid
if [ "$(id -u)" = 0 ]; then
	expect 1 "cannot execute program" "$MEMMON" leak -- /nonexistent/program
	expect 1 "does not export malloc and free" "$MEMMON" leak --lib /bin/true -- /bin/true
	# not root: a clear message, not a libbpf dump
	expect 1 "run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMMON" leak -p 1
fi
echo ok
