#include "pressure/reclaim_table.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int key_cmp(const struct vmscan_key *a, const struct vmscan_key *b)
{
	if (a->memcg_id != b->memcg_id)
		return a->memcg_id < b->memcg_id ? -1 : 1;
	if (a->tgid != b->tgid)
		return a->tgid < b->tgid ? -1 : 1;
	return 0;
}

void vmscan_stats_diff(const struct vmscan_stats *cur, const struct vmscan_stats *prev,
		       struct vmscan_stats *d)
{
	*d = *cur;
	d->slab_ns -= prev->slab_ns;
	d->direct_ns -= prev->direct_ns;
	d->memcg_ns -= prev->memcg_ns;
	d->direct_count -= prev->direct_count;
	d->memcg_count -= prev->memcg_count;
	d->slab_count -= prev->slab_count;
	d->kswapd_wakeups -= prev->kswapd_wakeups;
	d->pages_written -= prev->pages_written;
	d->pages_scanned -= prev->pages_scanned;
	d->pages_reclaimed -= prev->pages_reclaimed;
}

bool vmscan_stats_zero(const struct vmscan_stats *s)
{
	return !s->slab_count && !s->direct_count && !s->memcg_count && !s->kswapd_wakeups &&
	       !s->pages_written && !s->pages_scanned && !s->pages_reclaimed;
}

static struct vmscan_row *find(struct reclaim_table *t, const struct vmscan_key *k)
{
	for (size_t i = 0; i < t->n; i++)
		if (!key_cmp(&t->rows[i].key, k))
			return &t->rows[i];
	return NULL;
}

int reclaim_table_read(struct reclaim_table *t, int fd)
{
	struct vmscan_key key, next;
	struct vmscan_stats cur;
	const struct vmscan_stats none = { 0 };
	for (size_t i = 0; i < t->n; i++)
		memset(&t->rows[i].delta, 0, sizeof(t->rows[i].delta));
	void *prev_key = NULL;
	while (bpf_map_get_next_key(fd, prev_key, &next) == 0) {
		key = next;
		prev_key = &key;
		if (bpf_map_lookup_elem(fd, &key, &cur))
			continue;
		struct vmscan_row *r = find(t, &key);
		if (!r) {
			if (t->n == t->cap) {
				size_t cap = t->cap ? t->cap * 2 : 64;
				struct vmscan_row *rows = realloc(t->rows, cap * sizeof(*rows));
				if (!rows)
					return -ENOMEM;
				t->rows = rows;
				t->cap = cap;
			}
			r = &t->rows[t->n++];
			r->key = key;
			r->total = none;
		}
		vmscan_stats_diff(&cur, &r->total, &r->delta);
		r->total = cur;
	}
	return 0;
}

static bool sort_by_delta;

static int row_cmp(const void *a, const void *b)
{
	const struct vmscan_row *x = a, *y = b;
	const struct vmscan_stats *sx = sort_by_delta ? &x->delta : &x->total;
	const struct vmscan_stats *sy = sort_by_delta ? &y->delta : &y->total;
	__u64 tx = sx->slab_ns + sx->direct_ns + sx->memcg_ns;
	__u64 ty = sy->slab_ns + sy->direct_ns + sy->memcg_ns;
	if (tx != ty)
		return tx > ty ? -1 : 1;
	if (sx->pages_scanned != sy->pages_scanned)
		return sx->pages_scanned > sy->pages_scanned ? -1 : 1;
	return key_cmp(&x->key, &y->key);
}

void reclaim_table_sort(struct reclaim_table *t, bool by_delta)
{
	sort_by_delta = by_delta;
	if (t->n)
		qsort(t->rows, t->n, sizeof(t->rows[0]), row_cmp);
}

void reclaim_table_free(struct reclaim_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
