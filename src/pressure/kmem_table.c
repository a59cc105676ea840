#include "pressure/kmem_table.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
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

static int key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct kmem_entry *)a)->key, &((const struct kmem_entry *)b)->key,
		      sizeof(struct kmem_key));
}

static int add_entry(struct kmem_table *t, const struct kmem_key *key, struct kmem_entry **out)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct kmem_entry **e = realloc(t->entries, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		t->entries = e;
		t->cap = cap;
	}
	struct kmem_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->key = *key;
	if (!tsearch(e, &t->tree, key_cmp)) {
		free(e);
		return -ENOMEM;
	}
	t->entries[t->n++] = e;
	*out = e;
	return 0;
}

int kmem_table_read(struct kmem_table *t, int fd)
{
	struct kmem_key key, next;
	struct kmem_value cur;
	for (size_t i = 0; i < t->n; i++)
		memset(&t->entries[i]->delta, 0, sizeof(t->entries[i]->delta));
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &cur))
			continue;
		struct kmem_entry probe = { .key = key }, *e;
		void *found = tfind(&probe, &t->tree, key_cmp);
		if (found) {
			e = *(struct kmem_entry **)found;
		} else {
			int err = add_entry(t, &key, &e);
			if (err)
				return err;
		}
		e->delta.count = cur.count - e->total.count;
		e->delta.bytes = cur.bytes - e->total.bytes;
		e->delta.bytes_req = cur.bytes_req - e->total.bytes_req;
		e->total = cur;
	}
	return 0;
}

static bool sort_by_count;

static int row_cmp(const void *a, const void *b)
{
	const struct kmem_row *x = a, *y = b;
	__u64 vx = sort_by_count ? x->v.count : x->v.bytes, vy = sort_by_count ? y->v.count : y->v.bytes;
	if (vx != vy)
		return vx > vy ? -1 : 1;
	int c = strcmp(x->cache, y->cache);
	if (c)
		return c;
	return x->call_site < y->call_site ? -1 : x->call_site > y->call_site;
}

static int group_cmp(const void *a, const void *b)
{
	const struct kmem_row *x = a, *y = b;
	int c = strcmp(x->cache, y->cache);
	if (c)
		return c;
	if (x->call_site != y->call_site)
		return x->call_site < y->call_site ? -1 : 1;
	return x->stackid < y->stackid ? -1 : x->stackid > y->stackid;
}

int kmem_table_group(const struct kmem_table *t, bool by_site, bool use_delta, bool sort_count,
		     struct kmem_row **out)
{
	struct kmem_row *rows = calloc(t->n ? t->n : 1, sizeof(*rows));
	size_t n = 0;
	if (!rows)
		return -1;
	/* one row per entry, then sort by group and merge neighbours: O(n log n) */
	for (size_t i = 0; i < t->n; i++) {
		const struct kmem_entry *e = t->entries[i];
		const struct kmem_value *v = use_delta ? &e->delta : &e->total;
		if (!v->count)
			continue;
		struct kmem_row *r = &rows[n++];
		kmem_cache_name(&e->key, r->cache, sizeof(r->cache));
		r->kind = e->key.kind;
		r->call_site = by_site ? e->key.call_site : 0;
		r->stackid = by_site ? e->key.stackid : -1;
		r->v = *v;
	}
	if (n)
		qsort(rows, n, sizeof(*rows), group_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && !group_cmp(&rows[m - 1], &rows[i])) {
			rows[m - 1].v.count += rows[i].v.count;
			rows[m - 1].v.bytes += rows[i].v.bytes;
			rows[m - 1].v.bytes_req += rows[i].v.bytes_req;
		} else {
			rows[m++] = rows[i];
		}
	}
	sort_by_count = sort_count;
	if (m)
		qsort(rows, m, sizeof(*rows), row_cmp);
	*out = rows;
	return (int)m;
}

void kmem_table_free(struct kmem_table *t)
{
	tdestroy(t->tree, free);
	free(t->entries);
	memset(t, 0, sizeof(*t));
}
