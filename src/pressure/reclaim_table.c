#include "pressure/reclaim_table.h"

void reclaim_table_init(struct keyed_table *t)
{
	KTABLE_INIT(t, struct vmscan_row, key);
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

/* The stats map never deletes an entry, so every row is merged at every read. */
static void merge(void *row, bool created, const void *value, void *ctx)
{
	struct vmscan_row *r = row;
	vmscan_stats_diff(value, &r->total, &r->delta);
	r->total = *(const struct vmscan_stats *)value;
}

int reclaim_table_read(struct keyed_table *t, int fd)
{
	return ktable_read_bpf_map(t, fd, sizeof(struct vmscan_stats), merge, NULL);
}

static int key_cmp(const struct vmscan_key *a, const struct vmscan_key *b)
{
	if (a->memcg_id != b->memcg_id)
		return a->memcg_id < b->memcg_id ? -1 : 1;
	if (a->tgid != b->tgid)
		return a->tgid < b->tgid ? -1 : 1;
	return 0;
}

/* Time reclaiming, then pages scanned, largest first; then by key. */
static int stats_cmp(const struct vmscan_stats *sx, const struct vmscan_stats *sy,
		     const struct vmscan_row *x, const struct vmscan_row *y)
{
	__u64 tx = sx->slab_ns + sx->direct_ns + sx->memcg_ns;
	__u64 ty = sy->slab_ns + sy->direct_ns + sy->memcg_ns;
	if (tx != ty)
		return tx > ty ? -1 : 1;
	if (sx->pages_scanned != sy->pages_scanned)
		return sx->pages_scanned > sy->pages_scanned ? -1 : 1;
	return key_cmp(&x->key, &y->key);
}

static int by_delta(const void *a, const void *b)
{
	const struct vmscan_row *x = a, *y = b;
	return stats_cmp(&x->delta, &y->delta, x, y);
}

static int by_total(const void *a, const void *b)
{
	const struct vmscan_row *x = a, *y = b;
	return stats_cmp(&x->total, &y->total, x, y);
}

void reclaim_table_sort(struct keyed_table *t, bool delta)
{
	ktable_sort(t, delta ? by_delta : by_total);
}
