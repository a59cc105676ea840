# Sourced by ps/pmap tests (after lib.sh): starts proc_steady with private copies of the
# loader and its libraries, so every page it maps is shared only with its own child and
# its PSS cannot move when other processes start or exit.
# Sets STEADY_NAME, STEADY_PATTERN (matches it, not a tool's own command line),
# PARENT, CHILD, PRIVATE_ADDR, SHARED_ADDR (hex, no 0x).
start_steady() {
	STEADY_NAME="steady_proc_$$"
	STEADY_PATTERN="steady_pro[c]_$$"
	cp "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$TMPD/ld.so" &&
		cp "$WORKLOADS/proc_steady" "$TMPD/$STEADY_NAME" || fail "cannot copy loader"
	local lib
	for lib in $(ldd "$WORKLOADS/proc_steady" | awk '$3 ~ /^\// {print $3}'); do
		cp "$lib" "$TMPD/" || fail "cannot copy $lib"
	done
	"$TMPD/ld.so" --library-path "$TMPD" "$TMPD/$STEADY_NAME" >"$TMPD/ready" &
	local pid=$!
	on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	for _ in $(seq 100); do grep -q ready "$TMPD/ready" && break; sleep 0.05; done
	read -r _ PARENT CHILD PRIVATE_ADDR SHARED_ADDR <"$TMPD/ready"
	assert_eq "$PARENT" "$pid" "workload pid"
}
