/* The aggregation of memmon leak, shared by both modes: reads the probe set's BPF maps (and
 * user mode's mapping table) into what one report or one memory error shows, before
 * anything is printed (the printer, leak/leak_report.h, does no I/O of its own). */
#ifndef MEMMON_LEAK_COLLECT_H
#define MEMMON_LEAK_COLLECT_H
#include "core/keyed_table.h"
#include "leak/leak.h"
#include "leak/leak_event.h"
#include "symbols/stack_ends.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* The BPF maps both probe sets share (see leak/leak_event.h). */
struct event_reader;
struct leak_regions;
struct leak_maps {
	int allocs, combined, stacks;
	const struct alloc_counters *counters;
	const struct event_reader *events;
	uint64_t errors; /* double/invalid frees reported (user mode) */
	const struct leak_regions *regions; /* anonymous mappings (user mode), or NULL */
};

struct leak_totals {
	uint64_t bytes, count, stacks;
	uint64_t lost_events, allocs_dropped, stack_failures, pending_dropped, sampled_out;
	uint64_t stacks_dropped, internal_frees, errors;
	struct stack_ends ends; /* user mode: how the rows' stacks ended */
};

/* An allocation listed by --show-allocs. */
struct leak_alloc {
	uint64_t addr; /* kernel mode: pages and percpu chunks in their own key spaces */
	struct alloc_info a;
};

/* What one report shows. */
struct leak_snapshot {
	struct keyed_table rows;   /* struct leak_row (leak/leak_rows.h), most bytes first */
	struct leak_alloc *allocs; /* --show-allocs: every allocation, oldest first */
	size_t nallocs, allocs_cap;
	struct leak_totals totals;
	uint64_t now_ns;           /* ktime when gathered: the allocations' ages */
	time_t wall;               /* the time of day when gathered */
};

/* Gathers the outstanding allocations: one by one when --older-than or --show-allocs need
 * them, else the in-kernel per-stack totals; then the anonymous mappings, each row's stack
 * and the counters. 0, or -ENOMEM (what fitted is kept). */
int leak_collect(const struct leak_maps *m, const struct leak_opts *o, bool kernel,
		 struct leak_snapshot *s);
void leak_snapshot_free(struct leak_snapshot *s);

/* A stack of a memory error, read from the stack store (known false: none recorded). */
struct leak_error_stack {
	bool known;
	pid_t pid;
	uint64_t ips[ALLOC_STACK_DEPTH + 1];
	int nips;
	uint32_t end; /* why the walk ended (enum unwind_end) */
};

/* A double or invalid free with its stacks (first_free and alloc for a double free only). */
struct leak_error {
	const struct alloc_error_event *e;
	struct leak_error_stack free_stack, first_free, alloc;
};

/* A user stack key as instruction pointers (the caller's return address first), at most
 * ALLOC_STACK_DEPTH + 1; *end: why the walk ended (enum unwind_end). */
int leak_stack_ips(const struct leak_maps *m, const struct stack_key *k, uint64_t *ips, uint32_t *end);

void leak_collect_error(const struct leak_maps *m, const struct alloc_error_event *e,
			struct leak_error *err);

#endif
