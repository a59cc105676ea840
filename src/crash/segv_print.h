/* Prints one SIGSEGV/SIGBUS of `memmon segv` (text or JSON Lines), symbolized. */
#ifndef MEMMON_SEGV_PRINT_H
#define MEMMON_SEGV_PRINT_H
#include "crash/segv_classify.h"
#include "symbols/symbolize.h"

/* The stack to print: e's own frames resolved in e's process, or the same frames as
 * addresses in another (made-up) address space: see crash/segv_buildid.h. */
struct segv_stack {
	pid_t pid;
	const uint64_t *ips;
	int n;
	const __u64 *raw; /* the addresses as captured, shown in place of ips */
};

void segv_print(struct symbolizer *sym, const struct segv_event *e, const struct segv_stack *st,
		bool json);

/* The function that fills most of the stack (>= 3 frames), or NULL: in a stack overflow,
 * the one that recursed. *count gets its number of frames. */
const char *segv_recursing_function(struct symbolizer *sym, const struct segv_stack *st, int *count);

#endif
