/* Kernel samepage merging: the system's figures from /sys/kernel/mm/ksm and a process's from
 * /proc/PID/ksm_stat (Linux 6.1+) or /proc/PID/ksm_merging_pages (5.19+). */
#ifndef MEMMON_PROC_KSM_H
#define MEMMON_PROC_KSM_H
#include <stdint.h>
#include <sys/types.h>

#define KSM_NONE (-1) /* a figure this kernel does not have */

struct ksm_system {
	int64_t run;           /* 0 stopped, 1 running, 2 unmerging */
	int64_t pages_shared;  /* KSM pages in use (each replaces several) */
	int64_t pages_sharing; /* further mappings of them: the pages saved */
	int64_t pages_unshared, pages_volatile, full_scans, ksm_zero_pages, general_profit;
};

struct ksm_process {
	int64_t merging_pages; /* the process's pages that are KSM pages now */
	int64_t rmap_items, zero_pages, profit; /* KSM_NONE without ksm_stat */
};

/* 0, or -errno (-ENOENT: no KSM in this kernel). */
int ksm_read_system(struct ksm_system *out);
/* 0, or -errno (-ENOENT: the process is gone or the kernel has neither file). */
int ksm_read_process(pid_t pid, struct ksm_process *out);

#endif
