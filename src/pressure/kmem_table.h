/* The kmem counting table read every interval: per BPF key the totals since the start and
 * the change since the last read (a core/keyed_table of kmem_entry), then grouped by cache
 * or by call site for printing (a core/keyed_table of kmem_row). */
#ifndef MEMMON_KMEM_TABLE_H
#define MEMMON_KMEM_TABLE_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "core/keyed_table.h"
#include "pressure/kmem_event.h"

struct kmem_entry {
	struct kmem_key key;
	struct kmem_value total, delta;
};

/* A printed row: one cache, or one (cache, call site, stack). The members before kind are
 * its key. */
struct kmem_row {
	char cache[48];
	__u64 call_site;
	__s64 stackid;
	__u32 kind;
	struct kmem_value v;
};

/* "kmalloc-cg-192", "dma-kmalloc-1k", "kmalloc-large", "pages-order-0" or the slab name. */
void kmem_cache_name(const struct kmem_key *k, char *buf, size_t n);
/* An empty table of kmem_entry. */
void kmem_table_init(struct keyed_table *entries);
/* Reads the map; 0 or -errno. */
int kmem_table_read(struct keyed_table *entries, int fd);
/* An empty table of kmem_row. */
void kmem_groups_init(struct keyed_table *groups);
/* Groups the totals (or deltas) of entries into groups (emptied first), sorted by bytes
 * or count, largest first; rows with a zero count are left out. Returns the number of
 * rows, or -1 when out of memory. */
int kmem_table_group(const struct keyed_table *entries, bool by_site, bool use_delta,
		     bool sort_count, struct keyed_table *groups);

#endif
