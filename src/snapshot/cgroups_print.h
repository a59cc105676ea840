/* Printing `memmon cgroups`: the groups in display order as an indented tree (text), or a
 * cgroups_group record each (JSON), then what was skipped. No I/O but writing. */
#ifndef MEMMON_CGROUPS_PRINT_H
#define MEMMON_CGROUPS_PRINT_H
#include "snapshot/cgroups_collect.h"
#include <stdbool.h>
#include <stdio.h>

/* A hierarchy looked at, for the header and the summary. */
struct cgroup_hierarchy {
	int version;
	const char *mount; /* NULL: not mounted */
	bool memory;       /* the memory controller is there */
};

struct cgroups_print {
	bool json, final;
	const struct cgroup_hierarchy *hier;
	int nhier;
};

void cgroups_print(const struct cgroup_list *l, const struct cgroups_print *pp, FILE *out);
/* JSON: closes round number interval (from 1). */
void cgroups_print_interval(long interval, double seconds, FILE *out);
/* JSON: the last record. */
void cgroups_print_summary(const struct cgroup_list *l, const struct cgroups_print *pp,
			   long samples, double seconds, const char *reason, FILE *out);

#endif
