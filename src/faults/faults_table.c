#include "faults/faults_table.h"
#include <errno.h>
#include <string.h>

unsigned faults_view_mask(enum faults_view v)
{
	switch (v) {
	case VIEW_STACK: return FG_TGID | FG_STACK;
	case VIEW_FILE: return FG_FILE;
	case VIEW_PROCESS_FILE: return FG_TGID | FG_FILE;
	default: return FG_TGID;
	}
}

void fault_table_init(struct keyed_table *t)
{
	KTABLE_INIT(t, struct fault_row, key);
}

void fault_entries_init(struct keyed_table *t)
{
	KTABLE_INIT(t, struct fault_entry, key);
}

uint64_t fault_counts_total(const struct fault_counts *c)
{
	return c->minor_user + c->major_user + c->minor_kernel + c->major_kernel;
}

void fault_counts_add(struct fault_counts *to, const struct fault_counts *c)
{
	to->minor_user += c->minor_user;
	to->major_user += c->major_user;
	to->minor_kernel += c->minor_kernel;
	to->major_kernel += c->major_kernel;
	to->bytes += c->bytes;
}

/* Counters only grow; guard anyway so a reset cannot wrap around. */
static uint64_t gained(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : 0;
}

/* ktable_merge_fn: the entry's counts become the row's total, the growth its delta. */
static void merge(void *row, bool created, const void *value, void *ctx)
{
	struct fault_row *r = row;
	const struct fault_counts *c = value;
	r->delta.minor_user = gained(c->minor_user, r->total.minor_user);
	r->delta.major_user = gained(c->major_user, r->total.major_user);
	r->delta.minor_kernel = gained(c->minor_kernel, r->total.minor_kernel);
	r->delta.major_kernel = gained(c->major_kernel, r->total.major_kernel);
	r->delta.bytes = gained(c->bytes, r->total.bytes);
	r->total = *c;
}

void fault_table_begin(struct keyed_table *t)
{
	for (size_t i = 0; i < ktable_count(t); i++) {
		struct fault_row *r = ktable_row(t, i);
		memset(&r->delta, 0, sizeof(r->delta));
	}
}

int fault_table_put(struct keyed_table *t, const struct fault_key *k, const struct fault_counts *c)
{
	bool created;
	void *row = ktable_get(t, k, &created);
	if (!row)
		return -ENOMEM;
	merge(row, created, c, NULL);
	return 0;
}

int fault_table_read(struct keyed_table *t, int map_fd)
{
	fault_table_begin(t);
	return ktable_read_bpf_map(t, map_fd, sizeof(struct fault_counts), merge, NULL);
}

static void mask_key(struct fault_key *k, unsigned mask)
{
	if (!(mask & FG_TGID))
		k->tgid = 0;
	if (!(mask & FG_STACK)) {
		k->ustack = k->kstack = -1;
	}
	if (!(mask & FG_FILE)) {
		k->kind = 0;
		k->ino = 0;
		k->dev = 0;
		k->flags = 0;
	}
}

static int cmp_total_desc(const void *a, const void *b)
{
	const struct fault_entry *x = a, *y = b;
	uint64_t tx = fault_counts_total(&x->c), ty = fault_counts_total(&y->c);
	if (tx != ty)
		return tx > ty ? -1 : 1;
	/* A reproducible order for equal counts. */
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

int fault_group(const struct keyed_table *in, bool totals, unsigned mask, struct keyed_table *out)
{
	ktable_clear(out);
	for (size_t i = 0; i < ktable_count(in); i++) {
		const struct fault_row *r = ktable_row(in, i);
		const struct fault_counts *c = totals ? &r->total : &r->delta;
		if (!totals && !fault_counts_total(c))
			continue;
		struct fault_key k = r->key;
		mask_key(&k, mask);
		struct fault_entry *e = ktable_get(out, &k, NULL);
		if (!e)
			return -ENOMEM;
		fault_counts_add(&e->c, c);
	}
	ktable_sort(out, cmp_total_desc);
	return 0;
}
