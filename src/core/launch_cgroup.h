/* A launched program's own cgroup: a child of memmon's cgroup in the v2 hierarchy, which
 * holds the program and everything it starts, also what leaves its process group
 * (setsid, setpgid) or its parent (daemons re-parented to init). Ending the launch kills
 * the cgroup whole (cgroup.kill, 5.14+; else every pid in cgroup.procs) and removes it.
 *
 * Under memmon's own cgroup the program keeps every limit it had: the new cgroup adds
 * none and enables no controller. Where there is no writable v2 hierarchy (no cgroup2
 * mount, not root, a cgroup namespace that hides it) the launch goes on without one and
 * the process group is all there is. */
#ifndef MEMMON_LAUNCH_CGROUP_H
#define MEMMON_LAUNCH_CGROUP_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct launch_cgroup {
	char dir[512]; /* "" when the launch has none */
};

/* Makes the cgroup (memmon-launch-<memmon's pid> under memmon's own) and moves pid into it.
 * False, with dir "", when it cannot; then nothing is left behind. */
bool launch_cgroup_enter(struct launch_cgroup *cg, pid_t pid);
/* SIGKILLs everything in it. Safe with no cgroup, and async-signal-safe enough for the
 * reaper (open/write/read/kill only). */
void launch_cgroup_kill(const struct launch_cgroup *cg);
/* Kills what is left and removes the cgroup once it is empty, waiting up to wait_ms for
 * that. True when it is gone (or there was none). */
bool launch_cgroup_remove(struct launch_cgroup *cg, int wait_ms);

#endif
