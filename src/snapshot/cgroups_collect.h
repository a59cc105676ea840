/* Gathering the rows of `memmon cgroups`: every memory cgroup of a hierarchy (v1 or v2),
 * walked from its mount point, or one group by path; then the display order: the tree, each
 * group's children nearest their limit first. Groups removed while read are skipped and
 * counted. */
#ifndef MEMMON_CGROUPS_COLLECT_H
#define MEMMON_CGROUPS_COLLECT_H
#include "proc/memcg_files.h"
#include <stddef.h>
#include <sys/types.h>

#define CGROUP_PATH_MAX 512
#define CGROUP_DEPTH_MAX 64

struct cgroup_row {
	char path[CGROUP_PATH_MAX]; /* under its hierarchy's root: "/", "/a/b" */
	const char *mount;          /* the hierarchy's mount point */
	int depth;                  /* 0 for the root (or the group of --cgroup) */
	long parent;                /* index of the parent row, -1 for none */
	struct memcg_stats st;
	pid_t *pids;
	size_t npids;
};

struct cgroup_list {
	struct cgroup_row *rows;
	size_t n, cap;
	size_t *order;        /* display order after cgroups_sort */
	unsigned vanished;    /* removed while read */
	unsigned unreadable;  /* could not be read for another reason */
	unsigned too_deep;    /* below CGROUP_DEPTH_MAX, not walked */
};

/* Adds the groups of the hierarchy mounted at mount (version 1 or 2) to l: all of them, or
 * only the group at path `only`. 0; -ENOENT when `only` is not a group there; -ENOMEM;
 * another -errno when the mount point cannot be opened. */
int cgroups_collect(struct cgroup_list *l, const char *mount, int version, const char *only);
/* Fills l->order: each group before its children, siblings nearest their limit first
 * (cgroup_limit_share, largest first; unlimited groups after, largest usage first). 0 or
 * -ENOMEM. */
int cgroups_sort(struct cgroup_list *l);
/* usage / limit, or -1 for a group without a limit. */
double cgroup_limit_share(const struct memcg_stats *st);
void cgroups_free(struct cgroup_list *l);

#endif
