#!/usr/bin/env bash
# The files a traced process maps are opened as that process maps them: an ordinary user
# runs a program, deletes it and puts a FIFO where "/path/prog (deleted)" points. memmon
# must neither block in the FIFO's open (it used to, past -d and SIGTERM) nor read it:
# the program's frames still resolve, through /proc/PID/map_files (the deleted file
# itself), and once the process is gone the path is checked to be the mapped inode.
source "$(dirname "$0")/../lib.sh"
require_bpf
make_ordinary_user
PUB=/tmp/memmon-maps.$$
mkdir -m 1777 "$PUB"
on_exit "rm -rf $PUB"
as_user cp "$WORKLOADS/proc_faulter" "$PUB/prog"
as_user_bg "$PUB/prog" 4 1000000 >/dev/null 2>&1
victim=$USER_PID
on_exit "kill -KILL $victim 2>/dev/null; wait $victim 2>/dev/null"
sleep 0.3
as_user rm "$PUB/prog"
as_user mkfifo "$PUB/prog (deleted)"
grep -qF "$PUB/prog (deleted)" /proc/$victim/maps || fail "the program's mapping does not read '(deleted)'"

start=$(date +%s)
timeout -k 5 30 "$MEMMON" faults -p $victim -d 2 --json >"$TMPD/out.json" 2>"$TMPD/err"
rc=$?
assert_eq $rc 0 "faults on a program whose path is now a FIFO (124: blocked in its open)"
assert_le $(($(date +%s) - start)) 10 "seconds faults ran with -d 2"
# the faulting frame is main in the deleted executable, resolved with its line
main_frames=$(json_query 'import json,sys
n=0
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r.get("type")=="faults_stack" and r.get("final"):
        f=r["user_stack"][0] if r["user_stack"] else {}
        if f.get("symbol")=="main" and (f.get("file") or "").endswith("proc_faulter.c") and "(deleted)" in (f.get("module") or ""):
            n+=1
print(n)' "$TMPD/out.json")
assert_ge "$main_frames" 1 "stacks whose first frame is main in proc_faulter.c, in the deleted program"

# The FIFO was never opened for reading: a writer would have found a reader.
as_user timeout 1 sh -c "exec 3>'$PUB/prog (deleted)'" 2>/dev/null && fail "something holds the FIFO open"

# The debug files a binary names are the binary's owner's to choose: a .gnu_debugaltlink
# (absolute, or relative to the binary), a .gnu_debuglink beside it, a split-DWARF .dwo in
# its build directory. An ordinary user names FIFOs there; memmon looks for separate debug
# files only in the system's tree (libdwfl's debuginfo_path is /usr/lib/debug alone) and
# must never open these, whatever libdw is asked for.
SRC=$(cd "$(dirname "$0")/../../workloads" && pwd)/proc_faulter.c
(cd "$PUB" && gcc -O0 -g -gsplit-dwarf -c "$SRC" -o split.o && gcc split.o -o split && rm split.o split.dwo && mkfifo split.dwo) ||
	fail "cannot build the split-DWARF program"
printf '%s\0AAAAAAAAAAAAAAAAAAAA' "$PUB/alt.fifo" >"$TMPD/alt"
printf 'debug.fifo\0\0\0\0\0' >"$TMPD/link"
gcc -O0 -g "$SRC" -o "$TMPD/plain" &&
	objcopy --add-section .gnu_debugaltlink="$TMPD/alt" --add-section .gnu_debuglink="$TMPD/link" \
		"$TMPD/plain" "$PUB/linked" && mkfifo "$PUB/alt.fifo" "$PUB/debug.fifo" ||
	fail "cannot build the program with debug links"
chown -R "$ORDINARY_USER" "$PUB"/*
for prog in split linked; do
	as_user_bg "$PUB/$prog" 4 1000000 >/dev/null 2>&1
	p=$USER_PID
	on_exit "kill -KILL $p 2>/dev/null"
	sleep 0.3
	timeout -k 5 30 "$MEMMON" faults -p $p -d 2 >"$TMPD/$prog.txt" 2>"$TMPD/$prog.err"
	assert_eq $? 0 "faults on a program naming FIFOs as its debug files ($prog; 124: blocked)"
	grep -q "main+0x[0-9a-f]* .*proc_faulter.c:[0-9]* \[$prog\]" "$TMPD/$prog.txt" ||
		{ head -30 "$TMPD/$prog.txt"; fail "main with its line in $prog"; }
	kill -KILL $p 2>/dev/null
	for f in split.dwo alt.fifo debug.fifo; do
		as_user timeout 1 sh -c "exec 3>'$PUB/$f'" 2>/dev/null && fail "something holds $f open ($prog)"
	done
done

# After the process is gone the path (now a FIFO, another inode) is not taken for it: a
# symbolizer asked to open it gives up at once (unit test: tests/unit/proc/test_regular_file.c).
echo "ok: mapped files"
