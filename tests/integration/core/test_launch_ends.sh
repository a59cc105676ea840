#!/usr/bin/env bash
# A program launched with `-- PROGRAM` never runs on untraced: it is in a process group of
# its own, which memmon ends whole when tracing ends (-d, Ctrl-C, SIGTERM, SIGHUP...), and
# when memmon is killed outright (SIGKILL) the kernel and memmon's reaper end it too. The
# programs here ignore SIGHUP, SIGINT and SIGTERM and start a child of their own, so only
# memmon's SIGKILL of their group ends them. Ctrl-C during set-up does not start it at all.
source "$(dirname "$0")/../lib.sh"
require_bpf
cd "$TMPD"
# PROGRAM: records its pid and its background child's, then waits for ever.
PROG='trap "" HUP INT TERM; sleep 300 & echo $! >child; echo $$ >prog; wait; wait'
wait_files() { for _ in $(seq 200); do [ -s prog ] && [ -s child ] && return; sleep 0.05; done; fail "the program did not start"; }
running() { # PID: exists and is not a zombie (one that left its parent waits for init to reap it)
	local st
	st=$(sed -n 's/^[0-9]* (.*) \([A-Z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}
gone_within() { # SECONDS PID...: every pid ends within SECONDS
	local s=$1 p; shift
	for _ in $(seq $((s * 20))); do
		local alive=0
		for p in "$@"; do running "$p" && alive=1; done
		[ $alive = 0 ] && return 0
		sleep 0.05
	done
	ps -o pid,ppid,pgid,stat,cmd -p "$@" >&2
	return 1
}
started=()
on_exit 'for p in ${started[@]+"${started[@]}"}; do kill -KILL $p 2>/dev/null; done'
track() { started+=("$(cat prog)" "$(cat child)"); }

# 1. SIGHUP (a closed terminal) ends tracing with a report; the program and its child end.
rm -f prog child
"$MEMMON" leak -i 0 --json -- sh -c "$PROG" >leak.json 2>leak.err & m=$!
wait_files; track
sleep 0.5
kill -HUP $m
wait $m; assert_eq $? 0 "leak after SIGHUP"
assert_eq "$(jq -r 'select(.type=="leak_summary") | .reason' leak.json)" interrupted "leak's reason"
gone_within 5 $(cat prog) $(cat child) || fail "the program or its child outlived memmon leak (SIGHUP)"

# 2. -d: the run's end ends the program's whole group.
rm -f prog child
timeout 30 "$MEMMON" faults -d 2 --json -- sh -c "$PROG" >faults.json 2>faults.err
assert_eq $? 0 "faults -d 2"
track
gone_within 3 $(cat prog) $(cat child) || fail "the program or its child outlived memmon faults -d"

# 3. SIGTERM, SIGUSR1, SIGALRM (timeout(1), supervisors) end tracing, not memmon outright.
for sig in TERM USR1 ALRM; do
	rm -f prog child
	"$MEMMON" faults --json -- sh -c "$PROG" >f.json 2>f.err & m=$!
	wait_files; track
	kill -$sig $m
	wait $m; assert_eq $? 0 "faults after SIG$sig"
	assert_eq "$(jq -r 'select(.type=="faults_summary") | .reason' f.json)" interrupted "reason after SIG$sig"
	gone_within 5 $(cat prog) $(cat child) || fail "the program outlived memmon (SIG$sig)"
done

# 4. memmon killed outright: PR_SET_PDEATHSIG ends the program, the reaper its group.
rm -f prog child
"$MEMMON" faults -- sh -c "$PROG" >/dev/null 2>&1 & m=$!
wait_files; track
kill -KILL $m
wait $m 2>/dev/null
gone_within 3 $(cat prog) $(cat child) || fail "the program or its child outlived memmon's SIGKILL"

# 5. What leaves the program's process group (setsid: a daemon) is in the program's cgroup,
# where the machine has a writable cgroup v2 hierarchy, and ends with it too: at -d's end,
# and when memmon is killed outright. The cgroup is removed after.
V2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
if [ -n "$V2" ] && [ -w "$V2" ]; then
	ESC='trap "" HUP INT TERM; setsid sh -c "trap \"\" HUP INT TERM; echo \$\$ >child; exec sleep 300" & echo $$ >prog; wait; sleep 300'
	for how in d kill; do
		rm -f prog child
		if [ $how = d ]; then
			"$MEMMON" faults -d 2 -- sh -c "$ESC" >/dev/null 2>&1 & m=$!
		else
			"$MEMMON" faults -- sh -c "$ESC" >/dev/null 2>&1 & m=$!
		fi
		wait_files; track
		[ "$(ps -o sid= -p "$(cat child)" | tr -d ' ')" = "$(cat child)" ] || fail "the daemon did not leave the session"
		cg=$V2$(sed -n 's/^0:://p' "/proc/$(cat child)/cgroup")
		case $cg in */memmon-launch-$m) ;; *) fail "the daemon is not in memmon's launch cgroup: $cg" ;; esac
		[ $how = kill ] && kill -KILL $m
		wait $m 2>/dev/null
		gone_within 5 "$(cat prog)" "$(cat child)" || fail "the program's setsid daemon outlived memmon ($how)"
		for _ in $(seq 100); do [ -d "$cg" ] || break; sleep 0.1; done
		[ -d "$cg" ] && fail "the launch cgroup $cg was left behind ($how)"
	done
else
	echo "note: no writable cgroup v2 hierarchy here: the setsid case is not checked"
fi

# 6. Ctrl-C during set-up: the program is not started. memmon is stopped while its held
# child waits; if 0.3 s later the child still has not exec'd (its exe is memmon), memmon
# had not released it, so the signal comes before the release.
caught=0
for attempt in 1 2 3 4 5; do
	rm -f started
	"$MEMMON" faults -- sh -c "touch started" >/dev/null 2>setup.err & m=$!
	c=
	for _ in $(seq 400); do c=$(pgrep -P $m | head -1); [ -n "$c" ] && break; sleep 0.005; done
	kill -STOP $m
	sleep 0.3
	if [ -n "$c" ] && [ "$(readlink /proc/$c/exe)" = "$(readlink -f "$MEMMON")" ]; then
		kill -INT $m
		kill -CONT $m
		wait $m; rc=$?
		assert_eq $rc 1 "faults interrupted during set-up"
		assert_contains setup.err "interrupted before the program started; it was not run"
		sleep 0.3
		[ -e started ] && fail "the program ran after Ctrl-C during set-up"
		caught=1
		break
	fi
	kill -CONT $m; wait $m # set-up was over already: try again
done
assert_eq $caught 1 "set-up interrupted in one of 5 attempts"

# 7. From a terminal, the program's group is the terminal's foreground while it runs (it
# reads the terminal and gets Ctrl-C), and memmon's again after.
if command -v script >/dev/null; then
	script -qec "$MEMMON faults -d 3 -- sh -c 'ps -o tpgid=,pgid= -p \$\$ >tty.txt'" /dev/null >/dev/null 2>&1
	read -r tpgid pgid <tty.txt
	assert_eq "$tpgid" "$pgid" "the terminal's foreground group while the program runs"
fi
echo "ok: launched programs end with memmon"
