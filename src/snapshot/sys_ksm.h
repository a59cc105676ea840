/* The KSM section of `memmon sys`: the system's sharing and every process with merged
 * pages, read now. */
#ifndef MEMMON_SYS_KSM_H
#define MEMMON_SYS_KSM_H
#include "proc/proc_ksm.h"
#include <stddef.h>
#include <sys/types.h>

struct ksm_proc_row {
	pid_t pid;
	char comm[64];
	struct ksm_process k;
};

struct sys_ksm {
	int err; /* 0, or -errno: no /sys/kernel/mm/ksm */
	struct ksm_system sys;
	struct ksm_proc_row *procs; /* merging_pages > 0, most first */
	size_t nprocs, cap;
};

/* Reads into k (its list reused across screens). */
void sys_ksm_read(struct sys_ksm *k);
void sys_ksm_free(struct sys_ksm *k);

#endif
