#include "pressure/compact_table.h"
#include <string.h>

void compact_table_init(struct keyed_table *t)
{
	KTABLE_INIT(t, struct compact_row, key);
}

/* The counts map never deletes an entry, so every row is merged at every read. */
static void merge(void *row, bool created, const void *value, void *ctx)
{
	struct compact_row *r = row;
	const struct compact_value *cur = value;
	struct compact_value d = *cur;
	d.count -= r->total.count;
	d.total_ns -= r->total.total_ns;
	d.succeeded -= r->total.succeeded;
	d.failed -= r->total.failed;
	d.thp_succeeded -= r->total.thp_succeeded;
	d.thp_failed -= r->total.thp_failed;
	r->delta = d; /* max_ns stays the maximum so far */
	r->total = *cur;
}

int compact_table_read(struct keyed_table *t, int fd)
{
	return ktable_read_bpf_map(t, fd, sizeof(struct compact_value), merge, NULL);
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

void compact_table_sort(struct keyed_table *t)
{
	ktable_sort(t, row_cmp);
}
