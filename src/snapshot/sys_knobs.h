/* The settings `memmon sys` shows beside the figures: overcommit (mode, ratio or kbytes;
 * CommitLimit and Committed_AS come with /proc/meminfo), the active swap areas, and the vm
 * knobs that steer reclaim (swappiness, watermark_scale_factor, min_free_kbytes). Read
 * only: memmon never writes them. */
#ifndef MEMMON_SYS_KNOBS_H
#define MEMMON_SYS_KNOBS_H
#include "proc/proc_swaps.h"
#include <stdint.h>

/* A /proc/sys value, or why it is missing. */
struct sys_knob {
	int64_t value;
	int err; /* 0, or -errno (-ENOENT: this kernel has no such knob) */
};

struct sys_knobs {
	struct sys_knob overcommit_memory, overcommit_ratio, overcommit_kbytes;
	struct sys_knob swappiness, watermark_scale_factor, min_free_kbytes;
	struct swap_area swaps[SWAPS_MAX];
	int nswaps; /* or -errno: /proc/swaps could not be read */
};

void sys_knobs_read(struct sys_knobs *k);

#endif
