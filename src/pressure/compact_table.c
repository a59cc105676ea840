#include "pressure/compact_table.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct compact_row *find(struct compact_table *t, const struct compact_key *k)
{
	for (size_t i = 0; i < t->n; i++)
		if (!memcmp(&t->rows[i].key, k, sizeof(*k)))
			return &t->rows[i];
	return NULL;
}

int compact_table_read(struct compact_table *t, int fd)
{
	struct compact_key key, next;
	struct compact_value cur;
	for (size_t i = 0; i < t->n; i++)
		memset(&t->rows[i].delta, 0, sizeof(t->rows[i].delta));
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &cur))
			continue;
		struct compact_row *r = find(t, &key);
		if (!r) {
			if (t->n == t->cap) {
				size_t cap = t->cap ? t->cap * 2 : 32;
				struct compact_row *rows = realloc(t->rows, cap * sizeof(*rows));
				if (!rows)
					return -ENOMEM;
				t->rows = rows;
				t->cap = cap;
			}
			r = &t->rows[t->n++];
			memset(r, 0, sizeof(*r));
			r->key = key;
		}
		struct compact_value d = cur;
		d.count -= r->total.count;
		d.total_ns -= r->total.total_ns;
		d.succeeded -= r->total.succeeded;
		d.failed -= r->total.failed;
		d.thp_succeeded -= r->total.thp_succeeded;
		d.thp_failed -= r->total.thp_failed;
		r->delta = d; /* max_ns stays the maximum so far */
		r->total = cur;
	}
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct compact_row *x = a, *y = b;
	if (x->key.type != y->key.type)
		return x->key.type < y->key.type ? -1 : 1;
	__u64 vx = x->total.total_ns + x->total.succeeded + x->total.failed + x->total.count;
	__u64 vy = y->total.total_ns + y->total.succeeded + y->total.failed + y->total.count;
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

void compact_table_sort(struct compact_table *t)
{
	if (t->n)
		qsort(t->rows, t->n, sizeof(t->rows[0]), row_cmp);
}

void compact_table_free(struct compact_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
