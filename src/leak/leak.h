/* memmon leak's two modes share options and the report (leak/leak_report.h). */
#ifndef MEMMON_LEAK_H
#define MEMMON_LEAK_H
#include "core/cli.h"
#include <stdbool.h>
#include <stdint.h>

struct leak_opts {
	struct cli cli;
	const char *lib;
	bool kernel, show_allocs, combined, free_stacks;
	int top;
	uint64_t older_than_ns;
	unsigned long long min_size, max_size;
	uint32_t sample_rate, max_allocs, max_errors;
};

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

int leak_user_run(const struct leak_opts *o);
int leak_kernel_run(const struct leak_opts *o);

#endif
