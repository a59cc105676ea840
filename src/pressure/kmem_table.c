#include "pressure/kmem_table.h"
#include <stdio.h>
#include <string.h>

void kmem_cache_name(const struct kmem_key *k, char *buf, size_t n)
{
	static const char *const prefix[] = { "kmalloc-", "dma-kmalloc-", "kmalloc-rcl-",
					      "kmalloc-cg-" };
	switch (k->kind) {
	case KMEM_KMALLOC:
		/* larger than the biggest kmalloc cache: served by the page allocator */
		if (k->size > 8192)
			snprintf(buf, n, "kmalloc-large");
		else if (k->size >= 1024 && k->size % 1024 == 0)
			snprintf(buf, n, "%s%uk", prefix[k->kmalloc_type & 3], k->size / 1024);
		else
			snprintf(buf, n, "%s%u", prefix[k->kmalloc_type & 3], k->size);
		break;
	case KMEM_SLAB:
		snprintf(buf, n, "%.*s", KMEM_CACHE_NAME_LEN, k->cache);
		break;
	case KMEM_PAGES:
		snprintf(buf, n, "pages-order-%u", k->size);
		break;
	default:
		snprintf(buf, n, "?");
	}
}

void kmem_table_init(struct keyed_table *entries)
{
	KTABLE_INIT(entries, struct kmem_entry, key);
}

/* The counts map never deletes an entry, so every row is merged at every read. */
static void merge(void *row, bool created, const void *value, void *ctx)
{
	struct kmem_entry *e = row;
	const struct kmem_value *cur = value;
	e->delta.count = cur->count - e->total.count;
	e->delta.bytes = cur->bytes - e->total.bytes;
	e->delta.bytes_req = cur->bytes_req - e->total.bytes_req;
	e->total = *cur;
}

int kmem_table_read(struct keyed_table *entries, int fd)
{
	return ktable_read_bpf_map(entries, fd, sizeof(struct kmem_value), merge, NULL);
}

void kmem_groups_init(struct keyed_table *groups)
{
	ktable_init(groups, offsetof(struct kmem_row, kind), sizeof(struct kmem_row));
}

/* Largest first; ties by cache name, then call site. */
static int tie_cmp(const struct kmem_row *x, const struct kmem_row *y)
{
	int c = strcmp(x->cache, y->cache);
	if (c)
		return c;
	return x->call_site < y->call_site ? -1 : x->call_site > y->call_site;
}

static int by_bytes(const void *a, const void *b)
{
	const struct kmem_row *x = a, *y = b;
	if (x->v.bytes != y->v.bytes)
		return x->v.bytes > y->v.bytes ? -1 : 1;
	return tie_cmp(x, y);
}

static int by_count(const void *a, const void *b)
{
	const struct kmem_row *x = a, *y = b;
	if (x->v.count != y->v.count)
		return x->v.count > y->v.count ? -1 : 1;
	return tie_cmp(x, y);
}

int kmem_table_group(const struct keyed_table *entries, bool by_site, bool use_delta,
		     bool sort_count, struct keyed_table *groups)
{
	ktable_clear(groups);
	for (size_t i = 0; i < ktable_count(entries); i++) {
		const struct kmem_entry *e = ktable_row(entries, i);
		const struct kmem_value *v = use_delta ? &e->delta : &e->total;
		if (!v->count)
			continue;
		struct kmem_row key;
		memset(&key, 0, sizeof(key)); /* the key's bytes are compared whole */
		kmem_cache_name(&e->key, key.cache, sizeof(key.cache));
		key.call_site = by_site ? e->key.call_site : 0;
		key.stackid = by_site ? e->key.stackid : -1;
		bool created;
		struct kmem_row *r = ktable_get(groups, &key, &created);
		if (!r)
			return -1;
		if (created)
			r->kind = e->key.kind;
		r->v.count += v->count;
		r->v.bytes += v->bytes;
		r->v.bytes_req += v->bytes_req;
	}
	ktable_sort(groups, sort_count ? by_count : by_bytes);
	return (int)ktable_count(groups);
}
