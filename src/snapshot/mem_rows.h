/* The rows of `memmon ps`: one per process, user or mapping name, found by key in a hash
 * so aggregating thousands of mappings stays linear. */
#ifndef MEMMON_MEM_ROWS_H
#define MEMMON_MEM_ROWS_H
#include "proc/proc_smaps.h"
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mem_row {
	char key[SMAPS_NAME_MAX]; /* pid, user name or mapping name */
	pid_t pid;
	uid_t uid;
	char comm[64];
	char command[256];
	uint64_t count; /* processes (by user) or mappings (by mapping) */
	uint64_t pids;  /* processes that map it (by mapping) */
	pid_t last_pid; /* counts each process once in pids */
	struct mem_counts c;
};

struct mem_rows {
	struct mem_row *rows;
	size_t n, cap;
	size_t *slots; /* hash: index + 1, 0 = empty */
	size_t nslots;
};

/* The row for key, created zeroed (with key set) if absent; NULL on ENOMEM. */
struct mem_row *mem_rows_get(struct mem_rows *t, const char *key);
void mem_rows_free(struct mem_rows *t);

#endif
