/* The leak report: outstanding allocations grouped by stack, sorted by bytes, printed as
 * text or JSON Lines. Shared by user mode and --kernel mode. */
#ifndef MEMMON_LEAK_REPORT_H
#define MEMMON_LEAK_REPORT_H
#include "leak/leak_event.h"
#include "symbols/symbolize.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct leak_row {
	struct stack_key key;
	uint64_t bytes, count;
	uint64_t oldest_ns; /* ktime of the oldest allocation, 0 if unknown */
	uint32_t fn;
	uint64_t ips[ALLOC_STACK_DEPTH + 1];
	int nips;
};

struct leak_rows {
	struct leak_row *rows;
	size_t n, cap;
	/* open-addressing index by stack key */
	int32_t *index;
	size_t index_cap;
};

/* Finds or adds the row of a key. */
struct leak_row *leak_rows_get(struct leak_rows *r, const struct stack_key *key);
void leak_rows_sort(struct leak_rows *r); /* by bytes, then count, descending */
void leak_rows_free(struct leak_rows *r);

struct leak_totals {
	uint64_t bytes, count, stacks;
	uint64_t lost_events, allocs_dropped, stack_failures, pending_dropped, sampled_out;
	uint64_t stacks_dropped, internal_frees, errors;
};

struct leak_print {
	struct symbolizer *sym;
	bool json, kernel;
	int top;
	int report_no;
	const char *reason; /* "interval", or why tracing ended */
};

const char *alloc_fn_name(uint32_t fn);
/* "reports every 5s" or "one report at the end" (-i 0), for the start-up line. */
const char *leak_report_schedule(double interval);
void leak_report_print(const struct leak_print *p, struct leak_rows *rows,
		       const struct leak_totals *t);

#endif
