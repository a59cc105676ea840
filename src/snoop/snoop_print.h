/* The event log printer of watch, mmap and shm: one line (or one JSON record) per mm event
 * with time, pid/tid and comm; faults classified (kernel/fault_class.h) and their instruction
 * symbolized. Used as the ring-buffer callback. */
#ifndef MEMMON_SNOOP_PRINT_H
#define MEMMON_SNOOP_PRINT_H
#include "symbols/symbolize.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SNOOP_IP_CACHE 4096

struct snoop_printer {
	bool json;
	const char *comm;     /* print only this comm (NULL: all) */
	double t0;            /* CLOCK_MONOTONIC seconds of the start */
	FILE *out;
	struct symbolizer *sym;
	struct { uint32_t tgid; uint64_t ip; char text[200]; } cache[SNOOP_IP_CACHE];
	uint64_t printed;
};

/* sym may be NULL (no symbolization). Returns 0 or -ENOMEM. */
int snoop_printer_init(struct snoop_printer *p, bool json, const char *comm, bool symbols);
void snoop_printer_free(struct snoop_printer *p);
/* ring_buffer_sample_fn */
int snoop_print_event(void *ctx, void *data, size_t size);
/* "lost" record / line: N events dropped because the ring buffer was full. */
void snoop_print_lost(struct snoop_printer *p, const char *cmd, uint64_t lost, bool final);

#endif
