/* Printing a memory cgroup captured by BPF (struct memcg_info) as a path. */
#ifndef MEMMON_MEMCG_PATH_H
#define MEMMON_MEMCG_PATH_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "kernel/memcg_event.h"

/* "/a/b" from names innermost first; "/" for the root; ".../a/b" when truncated. */
void memcg_path_format(const struct memcg_info *m, char *buf, size_t n);
/* True if the cgroup has a limit (page_counter.max below PAGE_COUNTER_MAX). */
bool memcg_limited(const struct memcg_info *m);
/* PAGE_COUNTER_MAX for this machine's page size (for the BPF rodata). */
unsigned long long memcg_unlimited_pages(void);
/* Pages to kB with this machine's page size. */
unsigned long long memcg_pages_kb(unsigned long long pages);

#endif
