/* One screen of `memmon sys`, read from /proc before anything is printed: memory, the
 * vmstat counters at both ends of the interval, buddy allocator zones, largest slab caches. */
#ifndef MEMMON_SYS_READ_H
#define MEMMON_SYS_READ_H
#include "proc/proc_buddyinfo.h"
#include "proc/proc_meminfo.h"
#include "proc/proc_slabinfo.h"
#include "proc/proc_vmstat.h"
#include "snapshot/sys_knobs.h"
#include "snapshot/sys_ksm.h"
#include "snapshot/sys_zram.h"
#include <stdint.h>

struct sys_screen {
	struct meminfo mem;
	struct vmstat before, after; /* the activity is their difference */
	double secs;                 /* between before and after */
	struct buddy_zone zones[BUDDY_MAX_ZONES];
	int nzones;                  /* or -errno: /proc/buddyinfo could not be read */
	struct slab_cache *slabs;    /* the largest first, up to max_slabs */
	long nslabs, max_slabs;
	int slabs_err;               /* 0, or -errno: /proc/slabinfo could not be read */
	uint64_t page_size;
	struct sys_knobs knobs; /* overcommit, swap areas, vm knobs */
	struct sys_ksm ksm;
	struct sys_zram zram;
};

/* The zones of /proc/buddyinfo: their number (at most max), or -errno. */
int sys_read_zones(struct buddy_zone *zones, int max);
/* Sets up a screen that keeps the max_slabs largest caches. 0 or -ENOMEM. */
int sys_screen_init(struct sys_screen *s, long max_slabs, uint64_t page_size);
/* Reads the zones, slab caches and knobs into s (failures are kept in nzones and slabs_err for the
 * printer to explain). */
void sys_read_zones_and_slabs(struct sys_screen *s);
void sys_screen_free(struct sys_screen *s);

#endif
