/* The kmem counting table read every interval: per BPF key the totals since the start and
 * the change since the last read, then grouped by cache or by call site for printing. */
#ifndef MEMMON_KMEM_TABLE_H
#define MEMMON_KMEM_TABLE_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "pressure/kmem_event.h"

struct kmem_entry {
	struct kmem_key key;
	struct kmem_value total, delta;
};

struct kmem_table {
	void *tree; /* tsearch tree of struct kmem_entry, by key */
	struct kmem_entry **entries;
	size_t n, cap;
};

/* A printed row: one cache, or one (cache, call site, stack). */
struct kmem_row {
	char cache[48];
	__u32 kind;
	__u64 call_site;
	__s64 stackid;
	struct kmem_value v;
};

/* "kmalloc-cg-192", "dma-kmalloc-1k", "kmalloc-large", "pages-order-0" or the slab name. */
void kmem_cache_name(const struct kmem_key *k, char *buf, size_t n);
/* Reads the map; 0 or -errno. */
int kmem_table_read(struct kmem_table *t, int fd);
/* Groups the totals (or deltas) into rows sorted by bytes or count, largest first.
 * Returns the number of rows (rows with a zero count are left out) or -1; *out is malloc'd. */
int kmem_table_group(const struct kmem_table *t, bool by_site, bool use_delta, bool sort_count,
		     struct kmem_row **out);
void kmem_table_free(struct kmem_table *t);

#endif
