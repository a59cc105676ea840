/* The zram section of `memmon sys`: every /sys/block/zram* device, read now. */
#ifndef MEMMON_SYS_ZRAM_H
#define MEMMON_SYS_ZRAM_H
#include "proc/proc_zram.h"

#define SYS_ZRAM_MAX 32

struct sys_zram {
	int err; /* 0, or -errno: /sys/block cannot be listed */
	struct zram_dev devs[SYS_ZRAM_MAX];
	int ndevs;
	int skipped; /* devices that went or could not be read while listed */
};

void sys_zram_read(struct sys_zram *z);

#endif
