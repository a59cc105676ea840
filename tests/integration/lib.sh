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
