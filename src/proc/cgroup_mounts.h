/* Where the memory cgroup hierarchies are mounted, from /proc/mounts: the v1 hierarchy with
 * the memory controller ("cgroup" with the "memory" option) and the v2 one ("cgroup2"). */
#ifndef MEMMON_CGROUP_MOUNTS_H
#define MEMMON_CGROUP_MOUNTS_H
#include <stdbool.h>
#include <stddef.h>

struct cgroup_mounts {
	char v1_memory[256]; /* "" when not mounted */
	char v2[256];
};

/* Fills *out from /proc/mounts text (the first mount of each kind). 0, or -EINVAL for a line
 * without its fields. */
int cgroup_mounts_parse(const char *text, size_t len, struct cgroup_mounts *out);
/* Reads /proc/mounts. 0 or -errno. */
int cgroup_mounts_read(struct cgroup_mounts *out);
/* Whether the v2 hierarchy at mount offers the memory controller (its root's
 * cgroup.controllers names it; not when the controller is bound to v1). */
bool cgroup_v2_has_memory(const char *mount);

#endif
