/* The aggregation of memmon leak, shared by both modes: reads the probe set's BPF maps (and
 * user mode's mapping table) into the rows of one report. */
#ifndef MEMMON_LEAK_COLLECT_H
#define MEMMON_LEAK_COLLECT_H
#include "leak/leak.h"
#include <stdbool.h>
#include <stdint.h>

/* The BPF maps both probe sets share (see leak/leak_event.h). */
struct event_reader;
struct alloc_counters;
struct symbolizer;
struct stack_key;
struct leak_regions;
struct leak_maps {
	int allocs, combined, stacks;
	const struct alloc_counters *counters;
	const struct event_reader *events;
	uint64_t errors; /* double/invalid frees reported (user mode) */
	const struct leak_regions *regions; /* anonymous mappings (user mode), or NULL */
};

/* A stack key as instruction pointers: user stacks start with the caller's return address;
 * kernel stacks are the captured chain (or the call site alone if capture failed). */
int leak_stack_ips(const struct leak_maps *m, const struct stack_key *k, bool kernel,
		   uint64_t *ips);
/* Collects outstanding allocations (per allocation when --older-than/--show-allocs need
 * it, else the in-kernel per-stack totals) and prints one report. */
void leak_report_now(const struct leak_maps *m, const struct leak_opts *o,
		     struct symbolizer *sym, bool kernel, int report_no, const char *reason);

#endif
