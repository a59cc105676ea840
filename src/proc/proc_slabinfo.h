/* Parser of /proc/slabinfo (version 2.x): size of every slab cache. Root only. */
#ifndef MEMMON_PROC_SLABINFO_H
#define MEMMON_PROC_SLABINFO_H
#include <stddef.h>
#include <stdint.h>

struct slab_cache {
	char name[64];
	uint64_t active_objs, num_objs, objsize, objperslab, pagesperslab;
	uint64_t active_slabs, num_slabs;
};

/* Calls fn for every cache line. Returns the number of caches, or -EINVAL if the header
 * is not "slabinfo - version: 2.x" or a line is malformed. */
int slabinfo_parse(const char *text, size_t len, void (*fn)(const struct slab_cache *c, void *ctx), void *ctx);
/* Memory the cache holds in kB: its slabs times their pages. */
uint64_t slab_cache_kb(const struct slab_cache *c, uint64_t page_size);

#endif
