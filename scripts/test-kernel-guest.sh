#!/bin/bash
# PID 1 inside scripts/test-kernel.sh's qemu guest: mounts what the tests expect, runs the chosen integration
# tests with run-tests.sh, writes the output and exit code to the results share, and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
R=/memmon-results
exec 2>$R/guest.log # the mounts' complaints, for test-kernel.sh to show on a failure
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
ln -sf /proc/self/fd /dev/fd; ln -sf fd/0 /dev/stdin; ln -sf fd/1 /dev/stdout; ln -sf fd/2 /dev/stderr # as udev makes them
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs shm /dev/shm
mount -t ext4 /dev/vda /tmp || echo "MEMMON-GUEST: mount of /tmp (ext4 on /dev/vda) failed" >&2
chmod 1777 /tmp
# /var/tmp on the same disk: tests put files there that must be page cache on a disk filesystem, not shmem
mkdir -p /tmp/.var-tmp && chmod 1777 /tmp/.var-tmp && mount --bind /tmp/.var-tmp /var/tmp; mount -t tmpfs run /run
mount -t bpf bpf /sys/fs/bpf; mount -t tracefs tracefs /sys/kernel/tracing; mount -t debugfs debugfs /sys/kernel/debug
# cgroup v1 controllers, as on the project's machines (tests build small memory cgroups).
mount -t tmpfs cgroup /sys/fs/cgroup
for c in memory cpu cpuacct pids; do mkdir -p /sys/fs/cgroup/$c; mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c; done
mkdir -p /sys/fs/cgroup/unified; mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
ip link set lo up 2>/dev/null
hostname memmon-guest
cat /proc/version >$R/banner
: >$R/booted
. $R/env
cd "$ROOT"
if [ -n "${CMD:-}" ]; then bash -c "$CMD" >$R/out 2>&1; else
	CI=true MEMMON_SLOW=3 MEMMON_SKIP_UNIT=1 MEMMON_TESTS="$TESTS" bash scripts/run-tests.sh "$BUILD" >$R/out 2>&1; fi
echo $? >$R/rc
sync
echo o >/proc/sysrq-trigger
sleep 10
