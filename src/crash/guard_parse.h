/* Parser of the fault reports libmemmon_guard writes (see crash/preload/guard_report.c):
 * "key value" lines, stacks as hex addresses, then "maps" and a copy of /proc/PID/maps. */
#ifndef MEMMON_GUARD_PARSE_H
#define MEMMON_GUARD_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GUARD_REPORT_STACK 32

struct guard_stack {
	uint64_t ips[GUARD_REPORT_STACK];
	int n;
};

struct guard_report {
	char kind[32];   /* heap-buffer-overflow, heap-buffer-underflow, heap-use-after-free,
			    double-free, invalid-free, wild-access */
	char access[8];  /* read, write, unknown; empty for frees */
	pid_t pid, tid;
	uint64_t addr;
	bool has_block;
	uint64_t block_addr, block_size;
	pid_t alloc_tid, free_tid; /* free_tid 0: block not freed */
	struct guard_stack fault, alloc, free;
	const char *maps; /* points into the parsed text; NULL if absent */
	size_t maps_len;
};

/* Parses text (not necessarily NUL-terminated). 0, or -1 if it is not a complete report. */
int guard_report_parse(const char *text, size_t len, struct guard_report *r);

/* The stats file: "guarded N" and "pool_full N". 0 or -1. */
int guard_stats_parse(const char *text, size_t len, unsigned long *guarded,
		      unsigned long *pool_full);

#endif
