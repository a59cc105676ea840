/* Parser of /proc/PID/cgroup: which memory cgroup a process is in, on the v1 memory
 * hierarchy ("4:memory:/a/b") and on the v2 one ("0::/a/b"). */
#ifndef MEMMON_PROC_CGROUP_H
#define MEMMON_PROC_CGROUP_H
#include <stddef.h>

struct proc_cgroups {
	char v1_memory[512]; /* "" when the process's kernel has no v1 memory hierarchy */
	char v2[512];
};

/* 0, or -EINVAL for a line without its three fields. */
int proc_cgroup_parse(const char *text, size_t len, struct proc_cgroups *out);

#endif
