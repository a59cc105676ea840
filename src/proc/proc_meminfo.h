/* Parser of /proc/meminfo ("Key:   N kB" lines). */
#ifndef MEMMON_PROC_MEMINFO_H
#define MEMMON_PROC_MEMINFO_H
#include <stddef.h>
#include <stdint.h>

/* kB; fields the kernel did not print stay 0. */
struct meminfo {
	uint64_t mem_total, mem_free, mem_available, buffers, cached, swap_cached;
	uint64_t active, inactive, dirty, writeback, anon_pages, mapped, shmem;
	uint64_t slab, sreclaimable, sunreclaim, kernel_stack, page_tables;
	uint64_t swap_total, swap_free, committed_as, commit_limit;
	uint64_t hugepages_total, hugepages_free, hugepagesize;
};

/* Returns 0, or -EINVAL if a line is malformed or MemTotal is missing. */
int meminfo_parse(const char *text, size_t len, struct meminfo *out);
/* Reads /proc/meminfo. Returns 0 or -errno. */
int meminfo_read(struct meminfo *out);

#endif
