/* Processes a command has seen: their names (comm) and, for stack views, their mappings
 * captured into the symbolizer while they live, so stacks resolve after they exit. */
#ifndef MEMMON_PROC_NAMES_H
#define MEMMON_PROC_NAMES_H
#include "symbols/symbolize.h"
#include <stdbool.h>
#include <stdint.h>

struct proc_entry {
	uint32_t tgid;
	bool gone; /* exited: nothing more to capture */
	char comm[16];
};

struct proc_names {
	struct proc_entry *e;
	size_t n, cap;
	struct symbolizer *sym; /* NULL: names only */
};

/* Adds or renames tgid; comm NULL reads /proc/PID/comm. Captures mappings if sym. */
void proc_names_add(struct proc_names *p, uint32_t tgid, const char *comm);
/* After exec: forget the old image's mappings, take the new name and mappings. */
void proc_names_exec(struct proc_names *p, uint32_t tgid, const char *comm);
/* Recaptures the mappings of every live process (new libraries, dlopen). */
void proc_names_refresh(struct proc_names *p);
const char *proc_names_comm(const struct proc_names *p, uint32_t tgid);
void proc_names_free(struct proc_names *p);

#endif
