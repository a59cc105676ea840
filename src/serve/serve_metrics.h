/* The body of /metrics: per-process memory of the top processes by PSS and one rest
 * bucket, their page faults, system memory and vmstat counters under node_exporter's
 * names with memmon_ for node_ (memmon_memory_MemAvailable_bytes, memmon_vmstat_pgfault,
 * memmon_pressure_memory_waiting_seconds_total), OOM kills and reclaim stalls. */
#ifndef MEMMON_SERVE_METRICS_H
#define MEMMON_SERVE_METRICS_H
#include "serve/serve_probes.h"
#include <stdio.h>

#define SERVE_DEFAULT_TOP 50
/* The rest bucket's pid and comm label. */
#define SERVE_REST "rest"

struct serve_metrics {
	int top; /* processes with series of their own */
	struct serve_probes *probes;
};

/* Writes one scrape to f. 0, or -1 when /proc cannot be listed (f then holds a partial
 * body to throw away). Not reentrant: the caller serialises scrapes. */
int serve_metrics_write(const struct serve_metrics *m, FILE *f);

#endif
