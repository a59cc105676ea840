/* Parser of the memory lines of /proc/PID/status ("VmRSS:\t  1234 kB"). */
#ifndef MEMMON_PROC_STATUS_H
#define MEMMON_PROC_STATUS_H
#include <stddef.h>
#include <stdint.h>

/* kB; lines the kernel did not print stay 0. */
struct proc_status_mem {
	uint64_t vm_size, vm_rss, rss_anon, rss_file, rss_shmem, vm_data, vm_swap;
	uint64_t vm_pte; /* page tables */
	int found; /* how many of the fields above were present */
};

/* Returns 0, or -EINVAL if a memory line is malformed or none is present (kernel thread). */
int proc_status_parse(const char *text, size_t len, struct proc_status_mem *out);

#endif
