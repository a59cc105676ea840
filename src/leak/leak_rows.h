/* The rows of a leak report: outstanding bytes and allocations per stack, in a keyed_table
 * (core/keyed_table.h) keyed by the stack (struct stack_key, process included). What is
 * specific to leak: the row, how the in-kernel per-stack totals and single allocations
 * enter it, and its order (most bytes first). */
#ifndef MEMMON_LEAK_ROWS_H
#define MEMMON_LEAK_ROWS_H
#include "core/keyed_table.h"
#include "leak/leak_event.h"
#include <stdint.h>

struct leak_row {
	struct stack_key key;
	uint64_t bytes, count;
	uint64_t oldest_ns; /* ktime of the oldest allocation, 0 if unknown */
	uint32_t fn;        /* allocator of the latest allocation counted */
	uint64_t ips[ALLOC_STACK_DEPTH + 1]; /* the stack as addresses, read for printing */
	int nips;
	uint32_t end; /* user stacks: why the walk ended (enum unwind_end) */
};

void leak_rows_init(struct keyed_table *rows);
/* The row of key, created empty if absent; NULL when out of memory. */
struct leak_row *leak_rows_get(struct keyed_table *rows, const struct stack_key *key);
/* Counts one allocation of size bytes by fn on its stack's row; ts_ns is its ktime, or 0
 * when ages are not kept. 0, or -ENOMEM. */
int leak_rows_add(struct keyed_table *rows, const struct stack_key *key, uint64_t size,
		  uint32_t fn, uint64_t ts_ns);
/* Sets the rows from the BPF per-stack totals (key stack_key, value stack_stats); stacks
 * with nothing outstanding get no row. 0, or -ENOMEM. */
int leak_rows_read_totals(struct keyed_table *rows, int combined_fd);
/* Most bytes first, then most allocations. */
void leak_rows_sort(struct keyed_table *rows);

#endif
