# Shared helpers for integration tests: sourced, never run.
# Every test runs the real memmon ($MEMMON) against workloads in $WORKLOADS.
set -uo pipefail
: "${MEMMON:?run through scripts/run-tests.sh}"
TMPD=$(mktemp -d /tmp/memmon-test.XXXXXX)
# A bound on a memmon run, in seconds: 60 here, times MEMMON_SLOW where everything runs
# slower (scripts/test-kernel.sh's guest under TCG emulation sets 3). It only bounds a hang;
# what a run reports is checked exactly either way.
LIMIT=$((60 * ${MEMMON_SLOW:-1}))
CLEANUPS=()
# Registers a command run at exit, pass or fail (restore what the test changed).
on_exit() { CLEANUPS+=("$*"); }
_run_cleanups() {
	local i
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${CLEANUPS[$i]}" || true; done
	rm -rf "$TMPD"
}
trap _run_cleanups EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*"; exit 77; }
assert_eq() { [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; }
assert_ge() { [ "$1" -ge "$2" ] || fail "${3:-value}: expected >= $2, got $1"; }
assert_le() { [ "$1" -le "$2" ] || fail "${3:-value}: expected <= $2, got $1"; }
assert_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "expected '$2' in $1"; }; }
assert_not_contains() { if grep -qF -- "$2" "$1"; then cat "$1"; fail "unexpected '$2' in $1"; fi; }

# Waits until a memmon started in the background says in its stderr file that it is tracing
# (probes attached): up to 60 s, for a loaded machine. Fails if it died first.
wait_tracing() { # ERRFILE PID
	local _
	for _ in $(seq 600); do
		grep -q "tracing" "$1" && return 0
		kill -0 "$2" 2>/dev/null || fail "memmon exited before tracing: $(cat "$1")"
		sleep 0.1
	done
	fail "memmon did not start tracing in 60 s: $(cat "$1")"
}

# Runs CMD ARGS like `timeout $LIMIT CMD ARGS`, and when the bound runs out first prints to the
# test's own stderr (the caller's is often a file) where the command and its descendants are
# stuck: state, wait channel and kernel stack of each thread, user stacks by gdb, the kernel
# log's tail. A hang seen once in CI then says why. Then SIGTERM (memmon detaches and ends
# its launched program) and SIGKILL 10 s later; returns 124, as timeout(1) does.
TEST_STDERR=$(readlink /proc/$$/fd/2) # run-tests.sh's log of the test: a file
limited() { # (its stdin is /dev/null, as for any background command of a script)
	"$@" &
	local pid=$! i end=$((SECONDS + LIMIT))
	while [ $SECONDS -lt $end ]; do
		kill -0 $pid 2>/dev/null || { wait $pid; return; }
		sleep 0.1
	done
	if [ "${TEST_STDERR:0:1}" = / ]; then show_stuck $pid "$*" >>"$TEST_STDERR"; else show_stuck $pid "$*" >&2; fi
	kill -TERM $pid 2>/dev/null
	for ((i = 0; i < 100; i++)); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -KILL $pid 2>/dev/null
	wait $pid
	return 124
}
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
show_stuck() { # PID COMMAND-TEXT
	local p t
	echo "--- still running after $LIMIT s: $2"
	for p in $1 $(descendants "$1"); do
		echo "pid $p ($(cat /proc/$p/comm 2>/dev/null)) $(grep '^State' /proc/$p/status 2>/dev/null)"
		for t in /proc/$p/task/*; do
			echo "  task ${t##*/} $(cat $t/comm 2>/dev/null) wchan $(cat $t/wchan 2>/dev/null)"
			sed 's/^/    /' $t/stack 2>/dev/null
		done
		command -v gdb >/dev/null &&
			timeout 30 gdb -p "$p" -batch -nx -ex "thread apply all bt 12" 2>/dev/null | grep '^#\|^Thread' | sed 's/^/    /'
	done
	dmesg 2>/dev/null | tail -15 | sed 's/^/  dmesg: /'
}

# BPF tests skip on users' machines without BPF; run-tests.sh turns a skip into a failure in CI.
require_bpf() {
	[ "$(id -u)" = 0 ] || skip "needs root for BPF"
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
}
# jq-free JSON queries: python3 is on every Debian machine. memmon_json (beside this file)
# reads memmon's records with their "0x.." addresses as ints.
export PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
json_query() { python3 -c "$1" "${@:2}"; }

# An ordinary local user for the attacks such a user can make on root's memmon (planted
# symlinks, FIFOs, directories in /tmp and /sys/fs/bpf). Made here and deleted at exit,
# pass or fail (tests kill what they start as it, by pid). Sets ORDINARY_USER; `as_user
# CMD...` runs CMD as it.
make_ordinary_user() {
	ORDINARY_USER="memmon_t$$"
	on_exit "userdel -f $ORDINARY_USER 2>/dev/null"
	useradd -M -d /nonexistent -s /bin/sh "$ORDINARY_USER" || fail "useradd $ORDINARY_USER"
}
as_user() { setpriv --reuid="$ORDINARY_USER" --regid="$ORDINARY_USER" --clear-groups -- "$@"; }
# The same in the background; USER_PID is the command's own pid.
as_user_bg() { setpriv --reuid="$ORDINARY_USER" --regid="$ORDINARY_USER" --clear-groups -- "$@" & USER_PID=$!; }
