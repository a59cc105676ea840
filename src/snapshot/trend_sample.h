/* One sample of a process's memory for `memmon trend`: USS and [heap] from smaps,
 * anonymous RSS from status. */
#ifndef MEMMON_TREND_SAMPLE_H
#define MEMMON_TREND_SAMPLE_H
#include "proc/proc_file.h"
#include <stdint.h>
#include <sys/types.h>

struct trend_point {
	double t; /* seconds since the first sample */
	uint64_t uss_kb, heap_kb, anon_kb, rss_kb;
};

/* Fills *p (not p->t). Returns 0 or -errno (-ENOENT/-ESRCH once the process is gone). */
int trend_sample(pid_t pid, struct text_buf *buf, struct trend_point *p);

#endif
