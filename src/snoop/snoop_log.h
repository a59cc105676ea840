/* The event log of watch, mmap and shm as a ring-buffer callback: for each event it gathers
 * what the printer needs (time, comm, the file path, the faulting instruction's symbol,
 * reading the process's maps when the address is in no known module; an exec forgets the
 * old image) and hands it to snoop/snoop_print.c. */
#ifndef MEMMON_SNOOP_LOG_H
#define MEMMON_SNOOP_LOG_H
#include "snoop/snoop_print.h"
#include "symbols/symbolize.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNOOP_IP_CACHE 4096

struct snoop_log {
	struct snoop_printer pr;
	double t0;            /* CLOCK_MONOTONIC seconds of the start */
	struct symbolizer *sym; /* NULL: no symbolization */
	struct { uint32_t tgid; uint64_t ip; char text[200]; } cache[SNOOP_IP_CACHE];
};

/* symbols: keep a symbolizer in sym. Returns 0 or -ENOMEM. */
int snoop_log_init(struct snoop_log *l, const char *cmd, bool json, bool symbols);
void snoop_log_free(struct snoop_log *l);
/* ring_buffer_sample_fn; ctx is the struct snoop_log */
int snoop_log_event(void *ctx, void *data, size_t size);

#endif
