/* The event log printer of watch, mmap and shm: one line (or one JSON record) per mm event
 * with time, pid/tid and comm; faults classified (fault_class.h) and their instruction
 * symbolized. Used as the ring-buffer callback. */
#ifndef MEMMON_MM_PRINT_H
#define MEMMON_MM_PRINT_H
#include "symbolize.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MM_IP_CACHE 4096

struct mm_printer {
	bool json;
	const char *comm;     /* print only this comm (NULL: all) */
	double t0;            /* CLOCK_MONOTONIC seconds of the start */
	FILE *out;
	struct symbolizer *sym;
	struct { uint32_t tgid; uint64_t ip; char text[200]; } cache[MM_IP_CACHE];
	uint64_t printed;
};

/* sym may be NULL (no symbolization). Returns 0 or -ENOMEM. */
int mm_printer_init(struct mm_printer *p, bool json, const char *comm, bool symbols);
void mm_printer_free(struct mm_printer *p);
/* ring_buffer_sample_fn */
int mm_print_event(void *ctx, void *data, size_t size);
/* "lost" record / line: N events dropped because the ring buffer was full. */
void mm_print_lost(struct mm_printer *p, const char *cmd, uint64_t lost, bool final);

#endif
