/* memmon heap --diff BASE: BASE is the --json output of an earlier run (heap_stack rows;
 * write it with --top 0 so it holds every stack) or its --pprof file (every stack; no
 * temporary or peak figures, so those are not compared: heap/heap_diff_pprof.h). Stacks are matched by their symbolized
 * frames (function, file and line, else module and offset: addresses move between runs),
 * summed over processes, and every stack whose figures differ is printed with both:
 * text, or JSON heap_diff_stack rows. */
#ifndef MEMMON_HEAP_DIFF_H
#define MEMMON_HEAP_DIFF_H
#include "heap/heap_session.h"
#include <stdbool.h>
#include <stddef.h>

struct heap_diff_base {
	struct heap_diff_entry *e;
	size_t n, cap;
	bool pprof; /* BASE was a --pprof file: temporary and peak are not in it */
};

/* Reads BASE. 0, or -1 after a message (unreadable, not memmon heap's JSON). */
int heap_diff_load(struct heap_diff_base *b, const char *path);
void heap_diff_free(struct heap_diff_base *b);
/* Prints what differs between b and the run in s (at most top stacks, 0 all). 0 or -1. */
int heap_diff_print(struct heap_diff_base *b, struct heap_session *s, bool json, int top);

#endif
