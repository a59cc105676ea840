/* The paths of the memory cgroups reclaim.bpf.c remembers in its `cgroups` map (by kernfs
 * id), for reclaim's cgroup rows and drsnoop's episodes. */
#ifndef MEMMON_RECLAIM_CGROUP_H
#define MEMMON_RECLAIM_CGROUP_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/* Writes the path of cgroup id from the cgroups map fd; false if the map has none. */
bool reclaim_cgroup_path(int cgroups_fd, __u64 id, char *buf, size_t n);

#endif
