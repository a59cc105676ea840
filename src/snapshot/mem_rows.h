/* The rows of `memmon ps` on core/keyed_table: one per process, user or mapping name, keyed
 * by that name (a pid as text) in a fixed-size, zero-padded buffer. What is specific to them:
 * the key, adding one table into another, and the sort orders of -s. */
#ifndef MEMMON_MEM_ROWS_H
#define MEMMON_MEM_ROWS_H
#include "core/keyed_table.h"
#include "proc/proc_smaps.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mem_row {
	char key[SMAPS_NAME_MAX]; /* pid, user name or mapping name; zero-padded */
	pid_t pid;
	uid_t uid;
	char user[64]; /* the owner's name, looked up while collecting */
	char comm[64];
	char command[256];
	uint64_t count; /* processes (by user) or mappings (by mapping) */
	uint64_t pids;  /* processes that map it (by mapping) */
	pid_t last_pid; /* counts each process once in pids */
	struct mem_counts c;
	bool oom_known; /* by process: /proc/PID/oom_score and oom_score_adj were read */
	int oom_score, oom_score_adj;
};

enum ps_mode { PS_BY_PROCESS, PS_BY_USER, PS_BY_MAPPING };
enum ps_column {
	COL_PID, COL_USER, COL_COMMAND, COL_COUNT, COL_PIDS, COL_MAP,
	COL_SWAP, COL_SWAPPSS, COL_USS, COL_PSS, COL_RSS, COL_VSS,
	COL_OOM, /* by process: oom_score, then oom_score_adj, largest first */
};

void mem_rows_init(struct keyed_table *t);
/* The row for name (cut to the key's size), created zeroed with its key if absent; NULL on
 * ENOMEM. Valid until the next mem_rows_get or sort. */
struct mem_row *mem_rows_get(struct keyed_table *t, const char *name);
static inline struct mem_row *mem_row_at(const struct keyed_table *t, size_t i)
{
	return ktable_row(t, i);
}
/* Adds every row of src into dst (sizes, counts; each src row is one more process in pids).
 * 0 or -ENOMEM. */
int mem_rows_merge(struct keyed_table *dst, const struct keyed_table *src);

/* 0 if name is a column that mode shows (-s NAME). */
int ps_column_parse(const char *name, enum ps_mode mode, enum ps_column *out);
/* Sorts by column: sizes and counts largest first, names and pids ascending; ties by pid
 * or key; reverse turns it round. */
void mem_rows_sort(struct keyed_table *t, enum ps_mode mode, enum ps_column col, bool reverse);
/* The value a size or count column shows for the row. */
uint64_t mem_row_number(const struct mem_row *r, enum ps_column c);

#endif
