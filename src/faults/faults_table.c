#include "faults/faults_table.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fault_snapshot_init(struct fault_snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void fault_snapshot_free(struct fault_snapshot *s)
{
	free(s->e);
	memset(s, 0, sizeof(*s));
}

int fault_snapshot_add(struct fault_snapshot *s, const struct fault_key *k,
		       const struct fault_counts *c)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct fault_entry *e = realloc(s->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		s->e = e;
		s->cap = cap;
	}
	s->e[s->n].key = *k;
	s->e[s->n].c = *c;
	s->n++;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return memcmp(&((const struct fault_entry *)a)->key, &((const struct fault_entry *)b)->key,
		      sizeof(struct fault_key));
}

void fault_snapshot_sort(struct fault_snapshot *s)
{
	if (s->n)
		qsort(s->e, s->n, sizeof(*s->e), cmp_key);
}

int fault_snapshot_read(struct fault_snapshot *s, int map_fd)
{
	struct fault_key key, next;
	struct fault_counts c;
	s->n = 0;
	void *prev = NULL;
	while (bpf_map_get_next_key(map_fd, prev, &next) == 0) {
		/* A row deleted meanwhile is skipped; rows are never deleted today. */
		if (bpf_map_lookup_elem(map_fd, &next, &c) == 0) {
			int err = fault_snapshot_add(s, &next, &c);
			if (err)
				return err;
		}
		key = next;
		prev = &key;
	}
	fault_snapshot_sort(s);
	return 0;
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

int fault_snapshot_delta(const struct fault_snapshot *cur, const struct fault_snapshot *prev,
			 struct fault_snapshot *out)
{
	out->n = 0;
	for (size_t i = 0; i < cur->n; i++) {
		struct fault_counts d = cur->e[i].c;
		const struct fault_entry *p =
			prev->n ? bsearch(&cur->e[i], prev->e, prev->n, sizeof(*prev->e), cmp_key)
				: NULL;
		if (p) {
			/* Counters only grow; guard anyway so a reset cannot wrap around. */
			d.minor_user = d.minor_user >= p->c.minor_user ? d.minor_user - p->c.minor_user : 0;
			d.major_user = d.major_user >= p->c.major_user ? d.major_user - p->c.major_user : 0;
			d.minor_kernel = d.minor_kernel >= p->c.minor_kernel ? d.minor_kernel - p->c.minor_kernel : 0;
			d.major_kernel = d.major_kernel >= p->c.major_kernel ? d.major_kernel - p->c.major_kernel : 0;
			d.bytes = d.bytes >= p->c.bytes ? d.bytes - p->c.bytes : 0;
		}
		if (!fault_counts_total(&d))
			continue;
		int err = fault_snapshot_add(out, &cur->e[i].key, &d);
		if (err)
			return err;
	}
	return 0;
}

static void mask_key(struct fault_key *k, unsigned mask)
{
	if (!(mask & FG_TGID))
		k->tgid = 0;
	if (!(mask & FG_STACK)) {
		k->ustack = k->kstack = -1;
		k->retaddr = 0;
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
	return cmp_key(a, b); /* stable, reproducible order for equal counts */
}

int fault_group(const struct fault_snapshot *in, unsigned mask, struct fault_snapshot *out)
{
	out->n = 0;
	for (size_t i = 0; i < in->n; i++) {
		struct fault_key k = in->e[i].key;
		mask_key(&k, mask);
		int err = fault_snapshot_add(out, &k, &in->e[i].c);
		if (err)
			return err;
	}
	fault_snapshot_sort(out);
	size_t w = 0;
	for (size_t r = 0; r < out->n; r++) {
		if (w && memcmp(&out->e[w - 1].key, &out->e[r].key, sizeof(struct fault_key)) == 0)
			fault_counts_add(&out->e[w - 1].c, &out->e[r].c);
		else
			out->e[w++] = out->e[r];
	}
	out->n = w;
	if (w)
		qsort(out->e, w, sizeof(*out->e), cmp_total_desc);
	return 0;
}
